"""The report framework: a kind builds its content; the framework renders, stores, hashes and serves it.

A report kind is registered once (``registry.register``) with a builder that turns a period into a
``ReportContent`` (headline figures, sections of tables and charts). Rendering to HTML, PDF and CSV,
storage, versioning, reading and sign-off are the framework's, so the monthly oversight report
(RPT-1) and the quarterly metrics (RPT-2) plug in by registering a kind with its builder.
"""
