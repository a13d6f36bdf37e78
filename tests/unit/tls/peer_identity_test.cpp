// Outbound identity check with Consul's rules (connect/tls.go verifyServerCertMatchesURI).
#include "tls/peer_identity.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "tls/certificate.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::tls {
namespace {

// The dev agent's CA mints the certificates these tests handshake with.
using tools::CertificateAuthority;

SpiffeId parse(const std::string& uri) {
  auto id = SpiffeId::parse(uri);
  EXPECT_TRUE(id.has_value()) << uri;
  return *id;
}

ServiceIdentity expected_db() { return {"aaaa.consul", "default", "default", "dc1", "db"}; }

TEST(VerifyServerIdentity, ExactMatchPasses) {
  EXPECT_TRUE(verify_server_identity(parse("spiffe://aaaa.consul/ns/default/dc/dc1/svc/db"),
                                     expected_db()));
}

TEST(VerifyServerIdentity, TrustDomainIsNotCompared) {
  EXPECT_TRUE(verify_server_identity(parse("spiffe://bbbb.consul/ns/default/dc/dc1/svc/db"),
                                     expected_db()));
}

TEST(VerifyServerIdentity, ComparisonIgnoresCase) {
  EXPECT_TRUE(verify_server_identity(parse("spiffe://aaaa.consul/ns/Default/dc/DC1/svc/DB"),
                                     expected_db()));
}

TEST(VerifyServerIdentity, OtherServiceFailsWithConsulText) {
  const auto r = verify_server_identity(parse("spiffe://bbbb.consul/ns/default/dc/dc1/svc/web"),
                                        expected_db());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(),
            "peer certificate mismatch got spiffe://bbbb.consul/ns/default/dc/dc1/svc/web, want "
            "spiffe://aaaa.consul/ns/default/dc/dc1/svc/db");
}

TEST(VerifyServerIdentity, OtherDatacenterOrNamespaceFails) {
  EXPECT_FALSE(verify_server_identity(parse("spiffe://aaaa.consul/ns/default/dc/dc2/svc/db"),
                                      expected_db()));
  EXPECT_FALSE(
      verify_server_identity(parse("spiffe://aaaa.consul/ns/other/dc/dc1/svc/db"), expected_db()));
  EXPECT_FALSE(verify_server_identity(parse("spiffe://aaaa.consul/ap/p1/ns/default/dc/dc1/svc/db"),
                                      expected_db()));
  EXPECT_FALSE(verify_server_identity(parse("spiffe://aaaa.consul/agent/client/dc/dc1/id/db"),
                                      expected_db()));
}

// leaf_identity: the checks on the leaf itself, without a TLS session.
X509Ptr issue(const SpiffeId& id, std::chrono::system_clock::time_point now) {
  auto ca = CertificateAuthority::create({.cluster_id = "11111111-2222-3333-4444-555555555555"},
                                         std::chrono::system_clock::now());
  EXPECT_TRUE(ca.has_value());
  auto leaf = ca->issue_leaf(id, std::chrono::hours{1}, now, 0x3c);
  EXPECT_TRUE(leaf.has_value());
  auto chain = parse_pem_chain(leaf->cert_pem);
  EXPECT_TRUE(chain.has_value());
  return std::move(chain->front());
}

TEST(LeafIdentity, ServiceLeafGivesItsIdentityAndSerial) {
  const auto id =
      SpiffeId::for_service("11111111-2222-3333-4444-555555555555.consul", "dc1", "web");
  const auto cert = issue(id, std::chrono::system_clock::now());
  const auto identity = leaf_identity(cert.get());
  ASSERT_TRUE(identity.has_value()) << identity.error();
  EXPECT_EQ(identity->id, id);
  EXPECT_EQ(identity->serial_hex, "3c");
}

TEST(LeafIdentity, ExpiredLeafIsRefused) {
  const auto id =
      SpiffeId::for_service("11111111-2222-3333-4444-555555555555.consul", "dc1", "web");
  const auto cert = issue(id, std::chrono::system_clock::now() - std::chrono::hours{2});
  const auto identity = leaf_identity(cert.get());
  ASSERT_FALSE(identity.has_value());
  EXPECT_EQ(identity.error(), "peer certificate has expired");
}

}  // namespace
}  // namespace gatehouse::tls
