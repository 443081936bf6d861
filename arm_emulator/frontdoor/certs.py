"""The emulator's own certificate authority and TLS server certificate, generated once per data directory; the same
authority signs the certificates of the other local services a test starts (Azurite), so one CA bundle trusts all."""
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


def _write_server_certificate(ca_cert, ca_key, cert_path, key_path, common_name='localhost'):
    """A key and a TLS server certificate for localhost and 127.0.0.1, signed by the CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(common_name), ca_cert.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName('localhost'),
                                                        x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


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
    _write_key(data_dir / CA_KEY, ca_key)
    _write_server_certificate(ca_cert, ca_key, data_dir / SERVER_CERT, data_dir / SERVER_KEY)
    # The CA goes last: its presence marks a complete set, so an interrupted first start regenerates everything.
    (data_dir / CA_CERT).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))


def ensure_certificates(data_dir):
    """Create the CA and server certificate on first start; reuse them afterwards. Returns the CA path."""
    data_dir = Path(data_dir)
    if not all((data_dir / name).exists() for name in (CA_CERT, SERVER_CERT, SERVER_KEY)):
        _generate(data_dir)
    return data_dir / CA_CERT


def issue_service_certificate(data_dir, target_dir, name):
    """A TLS certificate for another local service (``name``.pem and ``name``-key.pem in ``target_dir``), signed by
    the emulator's CA in ``data_dir``, so clients that trust the emulator trust it too. Returns (cert, key) paths."""
    data_dir, target_dir = Path(data_dir), Path(target_dir)
    ensure_certificates(data_dir)
    ca_cert = x509.load_pem_x509_certificate((data_dir / CA_CERT).read_bytes())
    ca_key = serialization.load_pem_private_key((data_dir / CA_KEY).read_bytes(), password=None)
    target_dir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = target_dir / f'{name}.pem', target_dir / f'{name}-key.pem'
    _write_server_certificate(ca_cert, ca_key, cert_path, key_path, common_name=f'localhost ({name})')
    return cert_path, key_path


def server_ssl_context(data_dir):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(Path(data_dir) / SERVER_CERT, Path(data_dir) / SERVER_KEY)
    return context
