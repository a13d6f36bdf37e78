// Outbound identity check with Consul's rules (connect/tls.go verifyServerCertMatchesURI).
#include "tls/peer_identity.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tls {
namespace {

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

}  // namespace
}  // namespace gatehouse::tls
