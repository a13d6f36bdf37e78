#include "tools/dev_agent/certificate_authority.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <string_view>
#include <vector>

#include "tls/certificate.hpp"
#include "tls/colon_hex.hpp"
#include "tls/openssl_error.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/private_key.hpp"

namespace gatehouse::tools {

// The TLS layer's OpenSSL wrappers, certificate and key helpers.
using tls::Asn1IntegerPtr;
using tls::Asn1OctetStringPtr;
using tls::Asn1TimePtr;
using tls::colon_hex;
using tls::EvpPkeyPtr;
using tls::GeneralNamesPtr;
using tls::generate_private_key;
using tls::key_bits;
using tls::key_type_name;
using tls::not_after;
using tls::not_before;
using tls::openssl_error;
using tls::OpensslDeleter;
using tls::parse_private_key;
using tls::private_key_to_pem;
using tls::public_key_id;
using tls::serial_colon_hex;
using tls::sha1_fingerprint_colon_hex;
using tls::SpiffeId;
using tls::to_pem;
using tls::validate_key_type_and_bits;
using tls::X509ExtensionPtr;
using tls::X509NamePtr;
using tls::X509Ptr;

struct CertificateAuthority::State {
  EvpPkeyPtr key;
  X509Ptr root;
  std::vector<std::uint8_t> key_id;
  std::string root_pem;
  std::string id;
  std::uint64_t serial = 0;
  std::string signing_key_id;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::string trust_domain;
  std::string cluster_id;
  std::string key_type;
  int key_bits = 0;
  std::string name;
  std::string common_name;
  std::string key_pem;
};

namespace {

using Clock = std::chrono::system_clock;
using VoidResult = boost::system::result<void, std::string>;

constexpr std::chrono::seconds kConsulLeafBackdate{60};

std::string lowercase(std::string_view s) {
  std::string out{s};
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Consul's CompactUID: 8 random characters of [0-9a-z].
boost::system::result<std::string, std::string> compact_uid() {
  static constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  while (out.size() < 8) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1) {
      return {boost::system::in_place_error, openssl_error("random source failed")};
    }
    if (b >= 252) continue;  // 252 = 7 * 36: keeps every character equally likely
    out += kAlphabet[b % kAlphabet.size()];
  }
  return {boost::system::in_place_value, std::move(out)};
}

VoidResult set_serial(X509* cert, std::uint64_t serial) {
  Asn1IntegerPtr n{ASN1_INTEGER_new()};
  if (!n || ASN1_INTEGER_set_uint64(n.get(), serial) != 1 ||
      X509_set_serialNumber(cert, n.get()) != 1) {
    return openssl_error("cannot set serial number");
  }
  return {};
}

VoidResult set_validity(X509* cert, Clock::time_point from, Clock::time_point until) {
  Asn1TimePtr nb{ASN1_TIME_set(nullptr, Clock::to_time_t(from))};
  Asn1TimePtr na{ASN1_TIME_set(nullptr, Clock::to_time_t(until))};
  if (!nb || !na || X509_set1_notBefore(cert, nb.get()) != 1 ||
      X509_set1_notAfter(cert, na.get()) != 1) {
    return openssl_error("cannot set validity");
  }
  return {};
}

// Extensions whose value is a fixed, known-safe config string (no user text in it).
VoidResult add_conf_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, nullptr, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext{X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str())};
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return openssl_error("cannot add extension " + std::string{OBJ_nid2sn(nid)});
  }
  return {};
}

// Built by hand rather than from a config string: a SPIFFE ID may contain ',' and ':'.
VoidResult add_uri_san(X509* cert, const std::string& uri, bool critical) {
  GeneralNamesPtr names{GENERAL_NAMES_new()};
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* value = ASN1_IA5STRING_new();
  if (!names || name == nullptr || value == nullptr ||
      ASN1_STRING_set(value, uri.data(), static_cast<int>(uri.size())) != 1) {
    GENERAL_NAME_free(name);
    ASN1_IA5STRING_free(value);
    return openssl_error("cannot build URI SAN");
  }
  GENERAL_NAME_set0_value(name, GEN_URI, value);  // name owns value now
  if (sk_GENERAL_NAME_push(names.get(), name) <= 0) {
    GENERAL_NAME_free(name);
    return openssl_error("cannot build URI SAN");
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), critical ? 1 : 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return openssl_error("cannot add subjectAltName");
  }
  return {};
}

VoidResult add_key_ids(X509* cert, const std::vector<std::uint8_t>& subject_key_id,
                       const std::vector<std::uint8_t>& authority_key_id) {
  Asn1OctetStringPtr skid{ASN1_OCTET_STRING_new()};
  if (!skid ||
      ASN1_OCTET_STRING_set(skid.get(), subject_key_id.data(),
                            static_cast<int>(subject_key_id.size())) != 1 ||
      X509_add1_ext_i2d(cert, NID_subject_key_identifier, skid.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return openssl_error("cannot add subjectKeyIdentifier");
  }
  std::unique_ptr<AUTHORITY_KEYID, OpensslDeleter<AUTHORITY_KEYID_free>> akid{
      AUTHORITY_KEYID_new()};
  if (!akid) return openssl_error("cannot add authorityKeyIdentifier");
  akid->keyid = ASN1_OCTET_STRING_new();  // freed with akid
  if (akid->keyid == nullptr ||
      ASN1_OCTET_STRING_set(akid->keyid, authority_key_id.data(),
                            static_cast<int>(authority_key_id.size())) != 1 ||
      X509_add1_ext_i2d(cert, NID_authority_key_identifier, akid.get(), 0, X509V3_ADD_DEFAULT) !=
          1) {
    return openssl_error("cannot add authorityKeyIdentifier");
  }
  return {};
}

VoidResult sign(X509* cert, EVP_PKEY* key) {
  // ecdsa-with-SHA256 for EC keys, sha256WithRSAEncryption for RSA keys, as Consul signs.
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return openssl_error("signing failed");
  return {};
}

// IssuedLeaf is an aggregate starting with a string, so a bare string would be ambiguous.
boost::system::result<IssuedLeaf, std::string> leaf_error(std::string reason) {
  return {boost::system::in_place_error, std::move(reason)};
}

struct RootSpec {
  EVP_PKEY* key;
  const std::vector<std::uint8_t>& key_id;
  const std::string& common_name;
  const std::string& trust_domain;
  std::uint64_t serial;
};

VoidResult add_root_extensions(X509* cert, const RootSpec& s) {
  if (auto r = add_conf_extension(cert, NID_basic_constraints, "critical,CA:TRUE"); !r) return r;
  if (auto r =
          add_conf_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign");
      !r) {
    return r;
  }
  if (auto r = add_key_ids(cert, s.key_id, s.key_id); !r) return r;
  if (auto r = add_uri_san(cert, "spiffe://" + s.trust_domain, false); !r) return r;
  // Leaves may only carry DNS names inside the trust domain (they carry none today).
  return add_conf_extension(cert, NID_name_constraints, "critical,permitted;DNS:" + s.trust_domain);
}

VoidResult add_leaf_extensions(X509* cert, const std::string& uri,
                               const std::vector<std::uint8_t>& leaf_key_id,
                               const std::vector<std::uint8_t>& ca_key_id) {
  if (auto r = add_conf_extension(cert, NID_basic_constraints, "critical,CA:FALSE"); !r) return r;
  if (auto r = add_conf_extension(
          cert, NID_key_usage,
          "critical,digitalSignature,keyEncipherment,dataEncipherment,keyAgreement");
      !r) {
    return r;
  }
  if (auto r = add_conf_extension(cert, NID_ext_key_usage, "clientAuth,serverAuth"); !r) return r;
  if (auto r = add_key_ids(cert, leaf_key_id, ca_key_id); !r) return r;
  // Critical because the subject is empty (RFC 5280 4.2.1.6).
  return add_uri_san(cert, uri, true);
}

boost::system::result<X509Ptr, std::string> build_root(const RootSpec& s, Clock::time_point now,
                                                       std::chrono::hours ttl) {
  X509Ptr cert{X509_new()};
  X509NamePtr subject{X509_NAME_new()};
  if (!cert || !subject || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(s.common_name.c_str()), -1,
                                 -1, 0) != 1 ||
      X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), subject.get()) != 1 ||
      X509_set_pubkey(cert.get(), s.key) != 1) {
    return openssl_error("cannot build root certificate");
  }
  if (auto r = set_serial(cert.get(), s.serial); !r) return r.error();
  if (auto r = set_validity(cert.get(), now, now + ttl); !r) return r.error();
  if (auto r = add_root_extensions(cert.get(), s); !r) return r.error();
  if (auto r = sign(cert.get(), s.key); !r) return r.error();
  return cert;
}

VoidResult valid_cluster_id(std::string_view cluster_id) {
  if (cluster_id.empty()) return std::string{"cluster id must not be empty"};
  for (const char c : cluster_id) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return "cluster id must be a UUID, got \"" + std::string{cluster_id} + "\"";
  }
  return {};
}

}  // namespace

std::chrono::seconds leaf_backdate(std::chrono::seconds ttl) {
  return std::min(kConsulLeafBackdate, ttl / 60);
}

boost::system::result<CertificateAuthority, std::string> CertificateAuthority::create(
    const CaOptions& options, Clock::time_point now) {
  if (auto ok = valid_cluster_id(options.cluster_id); !ok) return ok.error();
  if (options.root_ttl.count() <= 0) return std::string{"root certificate TTL must be positive"};
  auto s = std::make_shared<State>();
  if (options.private_key_pem.empty()) {
    auto key = generate_private_key(options.private_key_type, options.private_key_bits);
    if (!key) return key.error();
    s->key = std::move(*key);
  } else {
    auto key = parse_private_key(options.private_key_pem);
    if (!key) return key.error();
    s->key = std::move(*key);
  }
  // Report what the key really is, whichever way it came.
  s->key_type = key_type_name(s->key.get());
  s->key_bits = key_bits(s->key.get());
  if (auto ok = validate_key_type_and_bits(s->key_type, s->key_bits); !ok) return ok.error();
  auto pem = private_key_to_pem(s->key.get());
  if (!pem) return pem.error();
  s->key_pem = std::move(*pem);

  s->cluster_id = lowercase(options.cluster_id);
  s->trust_domain = s->cluster_id + ".consul";
  s->serial = options.serial;
  s->key_id = public_key_id(s->key.get());
  if (s->key_id.empty()) return openssl_error("cannot compute the key id");
  s->signing_key_id = colon_hex(s->key_id);
  auto uid = compact_uid();
  if (!uid) return uid.error();
  s->common_name = "pri-" + *uid + ".consul.ca." + s->cluster_id.substr(0, 8) + ".consul";
  s->name = "Consul CA Primary Cert";

  auto root =
      build_root(RootSpec{s->key.get(), s->key_id, s->common_name, s->trust_domain, s->serial}, now,
                 options.root_ttl);
  if (!root) return root.error();
  s->root = std::move(*root);
  s->root_pem = to_pem(s->root.get());
  s->id = sha1_fingerprint_colon_hex(s->root.get());
  s->not_before = tls::not_before(s->root.get());
  s->not_after = tls::not_after(s->root.get());
  return CertificateAuthority{std::move(s)};
}

boost::system::result<IssuedLeaf, std::string> CertificateAuthority::issue_leaf(
    const SpiffeId& id, std::chrono::seconds ttl, Clock::time_point now,
    std::uint64_t serial) const {
  if (ttl.count() <= 0) return leaf_error(std::string{"leaf certificate TTL must be positive"});
  auto key = generate_private_key("ec", 256);
  if (!key) return leaf_error(key.error());
  const auto leaf_key_id = public_key_id(key->get());
  if (leaf_key_id.empty()) return leaf_error(openssl_error("cannot compute the leaf key id"));

  X509Ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(state_->root.get())) != 1 ||
      X509_set_pubkey(cert.get(), key->get()) != 1) {
    return leaf_error(openssl_error("cannot build leaf certificate"));
  }
  X509* c = cert.get();
  const auto valid_after = now - leaf_backdate(ttl);
  if (auto r = set_serial(c, serial); !r) return leaf_error(r.error());
  if (auto r = set_validity(c, valid_after, valid_after + ttl); !r) return leaf_error(r.error());
  if (auto r = add_leaf_extensions(c, id.to_string(), leaf_key_id, state_->key_id); !r) {
    return leaf_error(r.error());
  }
  if (auto r = sign(c, state_->key.get()); !r) return leaf_error(r.error());

  auto key_pem = private_key_to_pem(key->get());
  if (!key_pem) return leaf_error(key_pem.error());
  return IssuedLeaf{to_pem(c), std::move(*key_pem), serial_colon_hex(c), tls::not_before(c),
                    tls::not_after(c)};
}

const std::string& CertificateAuthority::root_cert_pem() const { return state_->root_pem; }
const std::string& CertificateAuthority::id() const { return state_->id; }
std::uint64_t CertificateAuthority::serial() const { return state_->serial; }
const std::string& CertificateAuthority::signing_key_id() const { return state_->signing_key_id; }
Clock::time_point CertificateAuthority::not_before() const { return state_->not_before; }
Clock::time_point CertificateAuthority::not_after() const { return state_->not_after; }
const std::string& CertificateAuthority::trust_domain() const { return state_->trust_domain; }
const std::string& CertificateAuthority::cluster_id() const { return state_->cluster_id; }
const std::string& CertificateAuthority::private_key_type() const { return state_->key_type; }
int CertificateAuthority::private_key_bits() const { return state_->key_bits; }
const std::string& CertificateAuthority::name() const { return state_->name; }
const std::string& CertificateAuthority::common_name() const { return state_->common_name; }
const std::string& CertificateAuthority::private_key_pem() const { return state_->key_pem; }

}  // namespace gatehouse::tools
