#!/bin/sh
# Regenerates the test TLS material: a CA and a leaf for 127.0.0.1 signed by it. The CA expires
# BEFORE the leaf on purpose, so a test can tell "leaf expiry" from "earliest expiry in the chain".
# CA valid 3000 days, leaf 3650 days (from 2026-11): regenerate before 2034.
set -e
cd "$(dirname "$0")"
rm -f ca.p12 leaf.p12 ca.pem leaf.csr leaf.pem server.p12
keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=Baton Test CA" -ext bc:c \
  -validity 3000 -storetype PKCS12 -keystore ca.p12 -storepass changeit
keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass changeit > ca.pem
keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname "CN=127.0.0.1" \
  -validity 3650 -storetype PKCS12 -keystore server.p12 -storepass changeit
keytool -certreq -alias server -keystore server.p12 -storepass changeit > leaf.csr
keytool -gencert -alias ca -keystore ca.p12 -storepass changeit -infile leaf.csr -rfc -validity 3650 \
  -ext san=ip:127.0.0.1,dns:localhost -ext ku:c=digitalSignature -ext eku=serverAuth > leaf.pem
keytool -importcert -noprompt -alias ca -file ca.pem -keystore server.p12 -storepass changeit
cat leaf.pem ca.pem > chain.pem
keytool -importcert -noprompt -alias server -file chain.pem -keystore server.p12 -storepass changeit
rm -f leaf.csr ca.p12 chain.pem
