"""The emulator's own certificate authority and TLS server certificate, generated once per data directory."""
import datetime
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = 'ca.pem'
CA_KEY = 'ca-key.pem'
SERVER_CERT = 'server.pem'
SERVER_KEY = 'server-key.pem'
VALID_FOR = datetime.timedelta(days=3650)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'aksext ARM emulator'),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path, key):
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def _builder(subject, issuer, public_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + VALID_FOR))


def _generate(data_dir):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (_builder(_name('aksext ARM emulator CA'), _name('aksext ARM emulator CA'), ca_key.public_key())
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name('localhost'), ca_cert.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName('localhost'),
                                                        x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(data_dir / CA_KEY, ca_key)
    _write_key(data_dir / SERVER_KEY, key)
    (data_dir / SERVER_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    # The CA goes last: its presence marks a complete set, so an interrupted first start regenerates everything.
    (data_dir / CA_CERT).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))


def ensure_certificates(data_dir):
    """Create the CA and server certificate on first start; reuse them afterwards. Returns the CA path."""
    data_dir = Path(data_dir)
    if not all((data_dir / name).exists() for name in (CA_CERT, SERVER_CERT, SERVER_KEY)):
        _generate(data_dir)
    return data_dir / CA_CERT


def server_ssl_context(data_dir):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(Path(data_dir) / SERVER_CERT, Path(data_dir) / SERVER_KEY)
    return context
