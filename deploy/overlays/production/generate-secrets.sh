#!/usr/bin/env bash
# Creates the files the overlay's secretGenerator reads, once: the token signing key pair and the
# cluster credential of the Raft peers and the first administrator's password. They stay in secrets/ (ignored by git); keep them safe, and
# keep them across deployments: a new key pair invalidates every issued token, a new peer token
# makes running members refuse new ones.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
if [ -e "$dir/jwt-private.pem" ] || [ -e "$dir/peer-token" ] || [ -e "$dir/admin-password" ]; then
  echo "$dir already holds secrets; delete them first if you really want new ones" >&2
  exit 1
fi
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
# genpkey writes PKCS#8 ("BEGIN PRIVATE KEY"), the format the booking node reads.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$dir/jwt-private.pem"
openssl pkey -in "$dir/jwt-private.pem" -pubout -out "$dir/jwt-public.pem"
openssl rand -hex 24 | tr -d '\n' > "$dir/peer-token"
openssl rand -hex 12 | tr -d '\n' > "$dir/admin-password"
echo "wrote $dir/jwt-private.pem, jwt-public.pem, peer-token and admin-password (the password of the administrator \"admin\")"
