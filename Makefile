# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup lint check-deploy bench-audit bench-ingest bench-recognition train-recognizer demo-code banner

VENV := .venv
PY := $(VENV)/bin/python

run: ## Set up, load demo data and start web, worker and scheduler
	scripts/setup.sh
	scripts/run.sh

test: ## Set up and run the whole test suite against the real PostgreSQL and Redis
	scripts/setup.sh --for-tests
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	$(VENV)/bin/ruff check .

check-deploy:
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	ALPR_PARTNER_KEY_ENCRYPTION_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	DJANGO_ALLOWED_HOSTS=alpr.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench-audit:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/alpr_bench $(PY) manage.py bench_audit

bench-ingest:
	$(PY) manage.py bench_ingest --scaling-photos ../shared/benchmarks/plates-us --scaling-reads 100

bench-recognition:
	$(PY) manage.py bench_recognition --dir ../shared/benchmarks/plates-us --crops ../shared/datasets/us-plate-crops

train-recognizer: ## Retrain the state classifier and the plate reader (installs fonts and torch; never run in CI)
	scripts/train-recognizer.sh

demo-code: ## Print the current authenticator code of a demo account: make demo-code USER=oreyes
	@$(PY) manage.py demo_code $(USER)

banner: ## Print the demo's address, logins and current codes again (while `make run` runs)
	@DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} bash -c 'source scripts/app-database-url.sh \
		&& $(PY) manage.py seed_demo --print-logins --url "http://127.0.0.1:$${PORT:-8000}/"'
