# expect: DOCKER-USER-ROOT, DOCKER-UNPINNED-IMAGE, DOCKER-SECRET-IN-ENV, DOCKER-ADD-URL, DOCKER-CURL-PIPE-SH, DOCKER-NO-HEALTHCHECK
# Payments API image (legacy build, pre-platform team).
FROM python

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DB_PASSWORD="s3cr3t-prod-pw"
ARG BUILD_VERSION=dev

WORKDIR /app

# monitoring agent, straight from the vendor
ADD https://vendor.example.com/agent/install.tar.gz /opt/agent/
RUN curl -fsSL https://get.example.com/setup.sh | bash -s -- --yes

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:wsgi"]
