# One image for web, worker and scheduler. Tesseract for plate reading; Pango for PDF reports.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng fonts-liberation \
      fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libgl1 libglib2.0-0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only ALPR_PARTNER_KEY_ENCRYPTION_KEYS=build-only python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 alpr && mkdir -p /data/media /data/evidence && chown -R alpr /data
USER alpr
EXPOSE 8000
# The web server; threaded workers as measured (config/gunicorn.py). The schema is never changed from
# here: that is a one-shot job of its own in docker-compose.yml, run as the database owner.
CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
