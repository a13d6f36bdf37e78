// The dev agent's CA: root and leaf profiles of Consul's built-in provider
// (agent/connect/ca/provider_consul.go: generateCA and Sign).
#include "tools/dev_agent/certificate_authority.hpp"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <regex>
#include <string>

#include "tls/certificate.hpp"
#include "tls/colon_hex.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/private_key.hpp"

namespace gatehouse::tools {
namespace {

using tls::AgentIdentity;
using tls::colon_hex;
using tls::dns_sans;
using tls::format_rfc3339;
using tls::not_before;
using tls::OpensslDeleter;
using tls::parse_pem_chain;
using tls::parse_private_key;
using tls::public_key_id;
using tls::serial_colon_hex;
using tls::sha1_fingerprint_colon_hex;
using tls::SpiffeId;
using tls::subject_key_id_colon_hex;
using tls::uri_sans;
using tls::X509Ptr;
using tls::X509StoreCtxPtr;
using tls::X509StorePtr;

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

constexpr const char* kClusterId = "7d0a1c3e-2f4b-4c51-9d6e-0a8b5c2e1f33";
constexpr const char* kTrustDomain = "7d0a1c3e-2f4b-4c51-9d6e-0a8b5c2e1f33.consul";

Clock::time_point fixed_now() {
  using namespace std::chrono;
  return sys_days{year{2024} / March / 5} + 10h;
}

X509Ptr one_cert(const std::string& pem) {
  auto chain = parse_pem_chain(pem);
  EXPECT_TRUE(chain.has_value()) << (chain ? "" : chain.error());
  if (!chain || chain->size() != 1) return nullptr;
  return std::move(chain->front());
}

// X509_V_OK or the verification error of `leaf` against `root`, as of `at`.
int verify(const std::string& root_pem, const std::string& leaf_pem, Clock::time_point at) {
  const auto root = one_cert(root_pem);
  const auto leaf = one_cert(leaf_pem);
  X509StorePtr store{X509_STORE_new()};
  X509StoreCtxPtr ctx{X509_STORE_CTX_new()};
  EXPECT_EQ(X509_STORE_add_cert(store.get(), root.get()), 1);
  EXPECT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr), 1);
  X509_STORE_CTX_set_time(ctx.get(), 0, Clock::to_time_t(at));
  EXPECT_EQ(X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT), 1);
  if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
  return X509_STORE_CTX_get_error(ctx.get());
}

std::string colon_hex_of(const ASN1_OCTET_STRING* s) {
  return colon_hex({ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))});
}

bool extension_critical(const X509* cert, int nid) {
  const int idx = X509_get_ext_by_NID(cert, nid, -1);
  EXPECT_GE(idx, 0) << OBJ_nid2sn(nid);
  return idx >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, idx)) == 1;
}

CertificateAuthority make_ca(CaOptions options = {}, Clock::time_point now = fixed_now()) {
  if (options.cluster_id.empty()) options.cluster_id = kClusterId;
  auto ca = CertificateAuthority::create(options, now);
  EXPECT_TRUE(ca.has_value()) << (ca ? "" : ca.error());
  return std::move(*ca);
}

TEST(CertificateAuthority, EcRootHasConsulProfile) {
  const auto ca = make_ca(CaOptions{.cluster_id = kClusterId, .serial = 7});
  EXPECT_EQ(ca.trust_domain(), kTrustDomain);
  EXPECT_EQ(ca.private_key_type(), "ec");
  EXPECT_EQ(ca.private_key_bits(), 256);
  EXPECT_EQ(ca.serial(), 7u);
  EXPECT_EQ(ca.name(), "Consul CA Primary Cert");
  EXPECT_TRUE(std::regex_match(ca.common_name(),
                               std::regex{R"(pri-[0-9a-z]{8}\.consul\.ca\.7d0a1c3e\.consul)"}))
      << ca.common_name();
  EXPECT_EQ(ca.root_cert_pem().back(), '\n');

  const auto root = one_cert(ca.root_cert_pem());
  ASSERT_TRUE(root);
  EXPECT_EQ(ca.id(), sha1_fingerprint_colon_hex(root.get()));
  EXPECT_EQ(ca.id().size(), 20u * 3 - 1);
  EXPECT_EQ(serial_colon_hex(root.get()), "07");
  EXPECT_EQ(uri_sans(root.get()),
            std::vector<std::string>{std::string{"spiffe://"} + kTrustDomain});
  EXPECT_EQ(ca.signing_key_id(), subject_key_id_colon_hex(root.get()));
  EXPECT_EQ(ca.signing_key_id().size(), 32u * 3 - 1);
  EXPECT_EQ(X509_get_signature_nid(root.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(ca.not_before(), fixed_now());
  EXPECT_EQ(ca.not_after(), fixed_now() + 87600h);
  EXPECT_EQ(format_rfc3339(ca.not_before()), "2024-03-05T10:00:00Z");

  X509* r = root.get();
  EXPECT_EQ(X509_check_ca(r), 1);
  EXPECT_TRUE(extension_critical(r, NID_basic_constraints));
  EXPECT_TRUE(extension_critical(r, NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(r),
            static_cast<std::uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(extension_critical(r, NID_name_constraints));
  std::unique_ptr<NAME_CONSTRAINTS, OpensslDeleter<NAME_CONSTRAINTS_free>> nc{
      static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(r, NID_name_constraints, nullptr, nullptr))};
  ASSERT_TRUE(nc);
  ASSERT_EQ(sk_GENERAL_SUBTREE_num(nc->permittedSubtrees), 1);
  const GENERAL_NAME* permitted = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, 0)->base;
  ASSERT_EQ(permitted->type, GEN_DNS);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(permitted->d.dNSName)),
                        static_cast<std::size_t>(ASN1_STRING_length(permitted->d.dNSName))),
            kTrustDomain);
  const ASN1_OCTET_STRING* akid = nullptr;
  ASSERT_NE(akid = X509_get0_authority_key_id(r), nullptr);
  EXPECT_EQ(ASN1_STRING_length(akid), 32);
}

TEST(CertificateAuthority, RsaRootUsesSha256WithRsa) {
  const auto ca = make_ca(CaOptions{.private_key_type = "rsa", .private_key_bits = 2048});
  EXPECT_EQ(ca.private_key_type(), "rsa");
  EXPECT_EQ(ca.private_key_bits(), 2048);
  const auto root = one_cert(ca.root_cert_pem());
  ASSERT_TRUE(root);
  EXPECT_EQ(X509_get_signature_nid(root.get()), NID_sha256WithRSAEncryption);

  const auto leaf =
      ca.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", "web"), 72h, fixed_now(), 2);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  const auto cert = one_cert(leaf->cert_pem);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_EC);
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_OK);
}

TEST(CertificateAuthority, RejectsBadKeySettingsWithConsulText) {
  const auto bad_type = CertificateAuthority::create(
      CaOptions{.cluster_id = kClusterId, .private_key_type = "dsa"}, fixed_now());
  ASSERT_FALSE(bad_type.has_value());
  EXPECT_EQ(bad_type.error(), "private key type must be either 'ec' or 'rsa'");
  const auto bad_ec = CertificateAuthority::create(
      CaOptions{.cluster_id = kClusterId, .private_key_bits = 128}, fixed_now());
  ASSERT_FALSE(bad_ec.has_value());
  EXPECT_EQ(bad_ec.error(), "EC key length must be one of (224, 256, 384, 521) bits");
  const auto bad_rsa = CertificateAuthority::create(
      CaOptions{.cluster_id = kClusterId, .private_key_type = "rsa", .private_key_bits = 1024},
      fixed_now());
  ASSERT_FALSE(bad_rsa.has_value());
  EXPECT_EQ(bad_rsa.error(), "RSA key length must be 2048 or 4096 bits");
  const auto no_cluster = CertificateAuthority::create(CaOptions{}, fixed_now());
  ASSERT_FALSE(no_cluster.has_value());
  EXPECT_EQ(no_cluster.error(), "cluster id must not be empty");
  const auto bad_pem = CertificateAuthority::create(
      CaOptions{.cluster_id = kClusterId, .private_key_pem = "not a key"}, fixed_now());
  ASSERT_FALSE(bad_pem.has_value());
  EXPECT_EQ(bad_pem.error().rfind("invalid private key PEM", 0), 0u) << bad_pem.error();
}

TEST(CertificateAuthority, GivenPrivateKeyIsReused) {
  const auto first = make_ca();
  EXPECT_EQ(first.private_key_pem().rfind("-----BEGIN EC PRIVATE KEY-----", 0), 0u);
  // The options say RSA, but the given key decides (as with Consul's PrivateKey setting).
  const auto second = make_ca(CaOptions{.private_key_type = "rsa",
                                        .private_key_bits = 4096,
                                        .private_key_pem = first.private_key_pem(),
                                        .serial = 2});
  EXPECT_EQ(second.signing_key_id(), first.signing_key_id());
  EXPECT_EQ(second.private_key_type(), "ec");
  EXPECT_EQ(second.private_key_bits(), 256);
  EXPECT_NE(second.id(), first.id());
  const auto other = make_ca();
  EXPECT_NE(other.signing_key_id(), first.signing_key_id());
}

TEST(CertificateAuthority, ServiceLeafHasConsulProfile) {
  const auto ca = make_ca();
  const auto id = SpiffeId::for_service(ca.trust_domain(), "dc1", "web");
  const auto leaf = ca.issue_leaf(id, 72h, fixed_now(), 0x3c9a11);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  EXPECT_EQ(leaf->serial_hex, "3c:9a:11");
  EXPECT_EQ(leaf->valid_after, fixed_now() - 60s);
  EXPECT_EQ(leaf->valid_before, fixed_now() - 60s + 72h);
  EXPECT_EQ(format_rfc3339(leaf->valid_after), "2024-03-05T09:59:00Z");
  EXPECT_EQ(format_rfc3339(leaf->valid_before), "2024-03-08T09:59:00Z");
  EXPECT_EQ(leaf->private_key_pem.rfind("-----BEGIN EC PRIVATE KEY-----\n", 0), 0u);

  const auto cert = one_cert(leaf->cert_pem);
  ASSERT_TRUE(cert);
  X509* c = cert.get();
  EXPECT_EQ(serial_colon_hex(c), "3c:9a:11");
  EXPECT_EQ(uri_sans(c), std::vector<std::string>{id.to_string()});
  EXPECT_TRUE(dns_sans(c).empty());
  EXPECT_TRUE(extension_critical(c, NID_subject_alt_name));
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(c)), 0);
  EXPECT_EQ(X509_get_key_usage(c),
            static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT |
                                       KU_DATA_ENCIPHERMENT | KU_KEY_AGREEMENT));
  EXPECT_EQ(X509_get_extended_key_usage(c),
            static_cast<std::uint32_t>(XKU_SSL_CLIENT | XKU_SSL_SERVER));
  EXPECT_EQ(X509_check_ca(c), 0);
  EXPECT_TRUE(extension_critical(c, NID_basic_constraints));
  EXPECT_EQ(X509_get_signature_nid(c), NID_ecdsa_with_SHA256);
  EXPECT_EQ(format_rfc3339(not_before(c)), "2024-03-05T09:59:00Z");

  // AKID is the CA's signing key id; SKID is SHA-256 of the leaf's own public key.
  const auto* akid = X509_get0_authority_key_id(c);
  ASSERT_NE(akid, nullptr);
  EXPECT_EQ(colon_hex_of(akid), ca.signing_key_id());
  auto key = parse_private_key(leaf->private_key_pem);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(X509_check_private_key(c, key->get()), 1);
  EXPECT_EQ(subject_key_id_colon_hex(c), colon_hex(public_key_id(key->get())));

  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_OK);
}

// Sign back-dates NotBefore one minute (NotAfter = NotBefore + TTL) for every TTL Consul accepts;
// the dev agent's TTLs under 1h are back-dated 1/60 of the TTL, so they are valid when issued.
TEST(CertificateAuthority, ShortTtlLeafIsBackdatedASixtiethAndValidWhenIssued) {
  const auto ca = make_ca();
  const auto id = SpiffeId::for_service(ca.trust_domain(), "dc1", "web");
  const auto leaf = ca.issue_leaf(id, 1min, fixed_now(), 7);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  EXPECT_EQ(format_rfc3339(leaf->valid_after), "2024-03-05T09:59:59Z");
  EXPECT_EQ(format_rfc3339(leaf->valid_before), "2024-03-05T10:00:59Z");
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_OK);
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now() + 58s), X509_V_OK);
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now() + 60s),
            X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(leaf_backdate(5min), 5s);
  EXPECT_EQ(leaf_backdate(59min), 59s);
  EXPECT_EQ(leaf_backdate(1h), 60s);
  EXPECT_EQ(leaf_backdate(72h), 60s);
}

TEST(CertificateAuthority, LeafForAgentIdentity) {
  const auto ca = make_ca();
  const auto id = SpiffeId{AgentIdentity{ca.trust_domain(), "default", "dc1", "node-1"}};
  const auto leaf = ca.issue_leaf(id, 1h, fixed_now(), 3);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  const auto cert = one_cert(leaf->cert_pem);
  EXPECT_EQ(uri_sans(cert.get()), std::vector<std::string>{std::string{"spiffe://"} + kTrustDomain +
                                                           "/agent/client/dc/dc1/id/node-1"});
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_OK);
}

TEST(CertificateAuthority, LeafIssuedInThePastIsExpiredNow) {
  const auto ca = make_ca({}, fixed_now() - 24h);
  const auto leaf = ca.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", "web"), 1h,
                                  fixed_now() - 2h, 4);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now() - 90min), X509_V_OK);
}

TEST(CertificateAuthority, LeafFromAnotherCaDoesNotVerify) {
  const auto ca = make_ca();
  const auto other = make_ca();
  const auto leaf =
      other.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", "web"), 1h, fixed_now(), 5);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  EXPECT_NE(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_OK);
}

TEST(CertificateAuthority, CopiesShareTheSameRoot) {
  const auto ca = make_ca();
  const CertificateAuthority copy = ca;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.id(), ca.id());
  const auto leaf =
      copy.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", "db"), 1h, fixed_now(), 6);
  ASSERT_TRUE(leaf.has_value()) << leaf.error();
  EXPECT_EQ(verify(ca.root_cert_pem(), leaf->cert_pem, fixed_now()), X509_V_OK);
}

TEST(CertificateAuthority, RejectsNonPositiveLeafTtl) {
  const auto ca = make_ca();
  const auto leaf =
      ca.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", "web"), 0s, fixed_now(), 1);
  ASSERT_FALSE(leaf.has_value());
  EXPECT_EQ(leaf.error(), "leaf certificate TTL must be positive");
}

}  // namespace
}  // namespace gatehouse::tools
