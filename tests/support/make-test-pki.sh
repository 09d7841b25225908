#!/usr/bin/env bash
# Generates a throw-away PKI for the TLS integration tests, in the layout that
# QEMU's `-spice x509-dir=DIR` expects:
#   ca-cert.pem        test CA that signed the server certificate
#   server-cert.pem    server certificate, SAN IP:127.0.0.1, subject below
#   server-key.pem     its private key
#   wrong-ca-cert.pem  an unrelated CA, for "certificate verify failed" tests
# Made fresh at test time so nothing secret or expiring is checked in.
# Usage: make-test-pki.sh DIR
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 1
fi
dir=$1
mkdir -p "$dir"
cd "$dir"

server_subject=${VIGIL_TEST_SERVER_SUBJECT:-/C=IL/L=Raanana/O=Vigil Test/CN=127.0.0.1}
days=30

make_ca() { # $1: file prefix, $2: subject
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
    -keyout "$1-key.pem" -out "$1-cert.pem" -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

make_ca ca "/C=IL/O=Vigil Test/CN=Vigil Test CA"
make_ca wrong-ca "/C=IL/O=Unrelated/CN=Unrelated Test CA"

openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -keyout server-key.pem -out server.csr -subj "$server_subject" 2>/dev/null

cat > server-ext.cnf <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1
EXT

openssl x509 -req -in server.csr -CA ca-cert.pem -CAkey ca-key.pem \
  -CAcreateserial -sha256 -days "$days" -extfile server-ext.cnf \
  -out server-cert.pem 2>/dev/null

openssl verify -CAfile ca-cert.pem server-cert.pem >/dev/null
rm -f server.csr server-ext.cnf ca-cert.srl
chmod 600 server-key.pem ca-key.pem wrong-ca-key.pem
