from audit.actions import register

# The audit log's own readings carry their filters, never plate text (audit.disclosure).
AUDIT_LOG_VIEWED = register("audit.log_viewed", "Audit log viewed", category="audit", names_plates=False)
AUDIT_LOG_EXPORTED = register("audit.log_exported", "Audit log exported", category="audit",
                              names_plates=False)
UNUSUAL_SEARCHES_VIEWED = register("audit.unusual_searches_viewed",
                                   "Searches that passed the gate but look unusual viewed", category="audit",
                                   names_plates=False)
AUDIT_CHAIN_VERIFIED = register("audit.chain_verified", "Audit chain verified", category="audit",
                                names_plates=False)
REQUEST_REFUSED = register("request.refused", "Request refused", category="access")
# Written only by `manage.py bench_audit`, which refuses to run on a database holding any other event.
BENCH_EVENT = register("bench.event", "Benchmark event", category="bench")
