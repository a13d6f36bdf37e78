#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "consul/ca_configuration.hpp"
#include "consul/ca_root.hpp"
#include "consul/json_decode.hpp"
#include "consul/leaf_cert.hpp"

namespace gatehouse::consul {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in{std::string{GATEHOUSE_FIXTURES_DIR} + "/consul/" + name};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CaRootsTest, ParsesOldAgentFixture) {
  const auto roots =
      decode_json<CaRoots>(read_fixture("agent-connect-ca-roots.json"), kLenientResponse);
  ASSERT_TRUE(roots) << roots.error();
  EXPECT_EQ(roots->active_root_id, "15:bf:3a:7d:ff:ea:c1:8c:46:67:6c:db:b8:81:18:36:ad:e5:d0:c7");
  EXPECT_EQ(roots->trust_domain, "");
  ASSERT_EQ(roots->roots.size(), 1u);
  const CaRoot& root = roots->roots[0];
  EXPECT_EQ(root.name, "Consul CA Root Cert");
  EXPECT_EQ(root.serial_number, 7u);
  EXPECT_TRUE(root.intermediate_certs.empty());
  EXPECT_TRUE(root.active);
  EXPECT_EQ(root.not_before, "2018-05-21T16:33:28Z");
  EXPECT_EQ(root.create_index, 8u);
  EXPECT_TRUE(root.root_cert.starts_with("-----BEGIN CERTIFICATE-----\nMIICmDCC"));
  EXPECT_EQ(roots->active_root(), &roots->roots[0]);
}

TEST(CaRootsTest, ParsesThroughNlohmannFromJson) {
  const auto j = nlohmann::json::parse(read_fixture("agent-connect-ca-roots.json"));
  const auto roots = j.get<CaRoots>();
  EXPECT_EQ(roots.roots.at(0).modify_index, 8u);
}

TEST(CaRootsTest, EncodesTheCurrentShape) {
  CaRoots roots;
  roots.active_root_id = "aa:bb";
  roots.trust_domain = "7d0a1c3e-2f4b-4c51-9d6e-0a8b5c2e1f33.consul";
  CaRoot root;
  root.id = "aa:bb";
  root.name = "Consul CA Primary Cert";
  root.serial_number = 7;
  root.signing_key_id = "d2:8b";
  root.external_trust_domain = "7d0a1c3e-2f4b-4c51-9d6e-0a8b5c2e1f33";
  root.not_before = "2024-03-01T10:00:00Z";
  root.not_after = "2034-02-27T10:00:00Z";
  root.root_cert = "PEM\n";
  root.active = true;
  root.private_key_type = "ec";
  root.private_key_bits = 256;
  root.create_index = 8;
  root.modify_index = 8;
  roots.roots.push_back(root);
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "ActiveRootID": "aa:bb",
    "TrustDomain": "7d0a1c3e-2f4b-4c51-9d6e-0a8b5c2e1f33.consul",
    "Roots": [{
      "ID": "aa:bb", "Name": "Consul CA Primary Cert", "SerialNumber": 7, "SigningKeyID": "d2:8b",
      "ExternalTrustDomain": "7d0a1c3e-2f4b-4c51-9d6e-0a8b5c2e1f33",
      "NotBefore": "2024-03-01T10:00:00Z", "NotAfter": "2034-02-27T10:00:00Z",
      "RootCert": "PEM\n", "IntermediateCerts": null, "Active": true,
      "PrivateKeyType": "ec", "PrivateKeyBits": 256, "CreateIndex": 8, "ModifyIndex": 8}]})");
  EXPECT_EQ(nlohmann::json(roots), expected);
  const auto back = decode_json<CaRoots>(nlohmann::json(roots).dump(), kStrictBody);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, roots);
}

TEST(CaRootsTest, IgnoresFieldsNewerAgentsAdd) {
  const auto roots = decode_json<CaRoots>(
      R"({"ActiveRootID":"x","Roots":[{"ID":"x","FutureField":{"a":1}}],"QueryMeta":1})",
      kLenientResponse);
  ASSERT_TRUE(roots) << roots.error();
  EXPECT_EQ(roots->roots.at(0).id, "x");
}

TEST(LeafCertTest, ParsesFixture) {
  const auto leaf =
      decode_json<LeafCert>(read_fixture("agent-connect-ca-leaf-web.json"), kLenientResponse);
  ASSERT_TRUE(leaf) << leaf.error();
  EXPECT_EQ(leaf->serial_number, "08");
  EXPECT_EQ(leaf->service, "web");
  EXPECT_EQ(leaf->service_uri,
            "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web");
  EXPECT_EQ(leaf->valid_after, "2018-05-21T16:33:28Z");
  EXPECT_EQ(leaf->valid_before, "2018-05-24T16:33:28Z");
  EXPECT_EQ(leaf->create_index, 5u);
  EXPECT_TRUE(leaf->cert_pem.ends_with("-----END CERTIFICATE-----\n"));
  EXPECT_TRUE(leaf->private_key_pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
}

TEST(LeafCertTest, OmitsEmptyOptionalFields) {
  LeafCert leaf;
  leaf.serial_number = "3c:9a:11";
  leaf.cert_pem = "C";
  leaf.private_key_pem = "K";
  leaf.service = "web";
  leaf.service_uri = "spiffe://td/ns/default/dc/dc1/svc/web";
  leaf.valid_after = "2024-03-05T09:59:00Z";
  leaf.valid_before = "2024-03-08T09:59:00Z";
  leaf.create_index = 412;
  leaf.modify_index = 412;
  EXPECT_EQ(nlohmann::json(leaf), nlohmann::json::parse(R"({
    "SerialNumber": "3c:9a:11", "CertPEM": "C", "PrivateKeyPEM": "K", "Service": "web",
    "ServiceURI": "spiffe://td/ns/default/dc/dc1/svc/web", "ValidAfter": "2024-03-05T09:59:00Z",
    "ValidBefore": "2024-03-08T09:59:00Z", "CreateIndex": 412, "ModifyIndex": 412})"));
}

TEST(CaConfigurationTest, RoundTripAndProviderSettings) {
  const auto config = decode_json<CaConfiguration>(R"({
    "Provider": "consul",
    "Config": {"LeafCertTTL": "1h", "private_key_type": "rsa", "PrivateKeyBits": "2048",
               "RotationPeriod": "2160h", "IntermediateCertTTL": "8760h"},
    "force_without_cross_signing": true})",
                                                   kStrictBody);
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->provider, "consul");
  EXPECT_TRUE(config->force_without_cross_signing);
  const auto settings = config->provider_settings();
  ASSERT_TRUE(settings) << settings.error();
  EXPECT_EQ(settings->leaf_cert_ttl, "1h");
  EXPECT_EQ(settings->private_key_type, "rsa");
  EXPECT_EQ(settings->private_key_bits, 2048);
  EXPECT_EQ(settings->rotation_period, "2160h");
  EXPECT_EQ(nlohmann::json(*config)["Config"]["LeafCertTTL"], "1h");
  EXPECT_EQ(nlohmann::json(*config)["State"], nullptr);
  EXPECT_EQ(nlohmann::json(*config)["ForceWithoutCrossSigning"], true);
}

TEST(CaConfigurationTest, ProviderSettingsRejectWrongTypes) {
  const auto config = decode_json<CaConfiguration>(
      R"({"Provider":"consul","Config":{"LeafCertTTL":5}})", kStrictBody);
  ASSERT_TRUE(config) << config.error();
  const auto settings = config->provider_settings();
  ASSERT_FALSE(settings);
  EXPECT_EQ(settings.error(), "error decoding config: 'LeafCertTTL' expected type 'string'");
}

}  // namespace
}  // namespace gatehouse::consul
