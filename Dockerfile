# Mailvagt gateway image: the same steps as the README's set-up, on a slim Python base, as a non-root user.
FROM python:3.11-slim

# OCR for images and scanned PDFs (optional at run time; extraction skips OCR without it).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-dan \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --no-create-home --home-dir /opt/mailvagt --shell /usr/sbin/nologin mailvagt
WORKDIR /opt/mailvagt
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY detectors ./detectors
# The shipped config; its relative paths (../var/...) put the audit log, quarantine and retry
# state in /opt/mailvagt/var, the one folder the gateway writes. Mount your own config over
# /opt/mailvagt/config and a volume on /opt/mailvagt/var.
COPY config ./config
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir . \
 && .venv/bin/mailvagt check-config config/mailvagt.yaml \
 && mkdir -p var && chown mailvagt:mailvagt var && chmod 0700 var
ENV PATH="/opt/mailvagt/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1

USER mailvagt
VOLUME ["/opt/mailvagt/var"]
EXPOSE 10025
# The gateway answers an SMTP greeting with 220 when it is serving.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import smtplib,sys; s=smtplib.SMTP('127.0.0.1',10025,timeout=4); c=s.noop()[0]; s.quit(); sys.exit(c!=250)"
ENTRYPOINT ["mailvagt"]
CMD ["serve", "--config", "/opt/mailvagt/config/mailvagt.yaml", "--listen", "0.0.0.0:10025"]
