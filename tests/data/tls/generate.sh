#!/bin/sh
# Regenerates the TLS test material (run from this folder). Test-only keys: never use elsewhere.
#   ca.pem          self-signed test CA the client trusts
#   server.pem/.key server certificate for localhost (SAN DNS:localhost, IP:127.0.0.1, IP:::1)
#   other_ca.pem    an unrelated CA (a client trusting only it must reject server.pem)
set -eu
days=36500
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/ca.key" \
    -out ca.pem -days $days -subj "/CN=libvoip test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
    -out "$tmp/server.csr" -subj "/CN=localhost"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' > "$tmp/ext"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial \
    -CAserial "$tmp/ca.srl" -out server.pem -days $days -extfile "$tmp/ext"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/other.key" \
    -out other_ca.pem -days $days -subj "/CN=libvoip unrelated CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
