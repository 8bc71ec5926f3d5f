"""Staff pages of sharing: the agency registry, declarations, partner people and their keys, written
requests from other agencies and deletion certificates (the administrator, SHR-1 to SHR-4), the Chief's
decisions on online sharing (Oak Park GO 4-68 VII.D), and requests from outside law enforcement (the
records supervisor, SHR-3).

Thin edges: parse the form, call ``sharing.services``, show the outcome. The services decide and
audit; ``capability_required`` only keeps the pages from roles that have no use for them.
"""
