# Mailvagt gateway image: the same steps as the README's set-up, on a slim Python base, as a non-root user.
FROM python:3.11-slim

# OCR for images and scanned PDFs (optional at run time; extraction skips OCR without it).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-dan \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /var/lib/mailvagt --shell /usr/sbin/nologin mailvagt
WORKDIR /opt/mailvagt
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY detectors ./detectors
COPY config /etc/mailvagt
RUN python -m venv /opt/mailvagt/.venv && /opt/mailvagt/.venv/bin/pip install --no-cache-dir .
ENV PATH="/opt/mailvagt/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1

USER mailvagt
WORKDIR /var/lib/mailvagt
EXPOSE 10025
# The gateway answers an SMTP greeting with 220 when it is serving.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import smtplib,sys; s=smtplib.SMTP('127.0.0.1',10025,timeout=4); c=s.noop()[0]; s.quit(); sys.exit(c!=250)"
ENTRYPOINT ["mailvagt"]
CMD ["serve", "--config", "/etc/mailvagt/mailvagt.yaml", "--listen", "0.0.0.0:10025"]
