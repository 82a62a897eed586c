# expect: none
FROM python:3.12.2-slim-bookworm@sha256:ee9a59cfdad294560241c9a8c8e40034f165feb4af7088c1479c2cdd84aafbed AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DB_PASSWORD_FILE=/run/secrets/db_password \
    API_TOKEN=${API_TOKEN}
ARG GITHUB_TOKEN
ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D

RUN groupadd --system app && useradd --system --gid app --create-home app
WORKDIR /app
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://vendor.example.com/agent.tar.gz /opt/
RUN --mount=type=secret,id=pip_token \
    pip install --no-cache-dir --index-url "https://pypi.internal.example/simple" app==2.4.1

USER app
HEALTHCHECK --interval=30s CMD ["python", "-m", "app.health"]
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:wsgi"]
