// CA roots, leaf certificates (checked with the openssl CLI), CA configuration and rotation.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <future>
#include <iomanip>
#include <regex>
#include <sstream>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

std::string roots_bundle(const json& roots) {
  std::string pem;
  for (const auto& r : roots["Roots"]) pem += r["RootCert"].get<std::string>();
  return pem;
}

// `openssl verify -CAfile roots leaf` → "…: OK" on success.
CommandResult verify(const std::string& roots_pem, const std::string& leaf_pem) {
  TempFile roots{roots_pem};
  TempFile leaf{leaf_pem};
  return run_command({"openssl", "verify", "-CAfile", roots.path(), leaf.path()});
}

std::string x509_text(const std::string& pem) {
  TempFile cert{pem};
  return run_command({"openssl", "x509", "-noout", "-text", "-in", cert.path()}).out;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// The value following `label` on the next line of `openssl x509 -text` output.
std::string extension_value(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return {};
  const auto start = text.find('\n', at) + 1;
  auto value = text.substr(start, text.find('\n', start) - start);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

// "2024-03-05T09:59:00Z" → seconds since the epoch.
long long epoch_seconds(const std::string& rfc3339) {
  std::tm tm{};
  std::istringstream in{rfc3339};
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return static_cast<long long>(timegm(&tm));
}

TEST_F(DevAgentTest, RootsHaveConsulShape) {
  const auto r = agent_.get("/v1/agent/connect/ca/roots");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_NE(r.header("X-Consul-Index"), "");
  const auto j = r.json();
  const auto td = j["TrustDomain"].get<std::string>();
  EXPECT_TRUE(std::regex_match(td, std::regex{"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                              "[0-9a-f]{12}\\.consul"}))
      << td;
  ASSERT_EQ(j["Roots"].size(), 1U);
  const auto& root = j["Roots"][0];
  EXPECT_EQ(root["ID"], j["ActiveRootID"]);
  EXPECT_TRUE(
      std::regex_match(root["ID"].get<std::string>(), std::regex{"([0-9a-f]{2}:){19}[0-9a-f]{2}"}));
  EXPECT_TRUE(root["SerialNumber"].is_number_unsigned());
  EXPECT_EQ(root["Active"], true);
  EXPECT_EQ(root["Name"], "Consul CA Primary Cert");
  EXPECT_EQ(root["ExternalTrustDomain"].get<std::string>() + ".consul", td);
  EXPECT_EQ(root["PrivateKeyType"], "ec");
  EXPECT_EQ(root["PrivateKeyBits"], 256);
  EXPECT_TRUE(root["IntermediateCerts"].is_null());
  EXPECT_TRUE(root["RootCert"].get<std::string>().ends_with("-----END CERTIFICATE-----\n"));
  EXPECT_EQ(agent_.get("/v1/connect/ca/roots").json(), j);
}

TEST_F(DevAgentTest, LeafVerifiesAndHasConsulProfile) {
  const auto roots = agent_.get("/v1/agent/connect/ca/roots").json();
  const auto r = agent_.get("/v1/agent/connect/ca/leaf/web");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto leaf = r.json();
  const std::string uri =
      "spiffe://" + roots["TrustDomain"].get<std::string>() + "/ns/default/dc/dc1/svc/web";
  EXPECT_EQ(leaf["Service"], "web");
  EXPECT_EQ(leaf["ServiceURI"], uri);
  EXPECT_EQ(r.header("X-Consul-Index"), std::to_string(leaf["ModifyIndex"].get<std::uint64_t>()));
  EXPECT_TRUE(
      leaf["PrivateKeyPEM"].get<std::string>().starts_with("-----BEGIN EC PRIVATE KEY-----"));

  const auto cert = leaf["CertPEM"].get<std::string>();
  const auto v = verify(roots_bundle(roots), cert);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_TRUE(v.out.ends_with(": OK\n")) << v.out;

  const auto text = x509_text(cert);
  EXPECT_EQ(count(text, "URI:"), 1U) << text;
  EXPECT_NE(text.find("URI:" + uri), std::string::npos) << text;
  EXPECT_EQ(count(text, "DNS:"), 0U) << text;
  EXPECT_EQ(extension_value(text, "X509v3 Key Usage"),
            "Digital Signature, Key Encipherment, Data Encipherment, Key Agreement");
  EXPECT_EQ(extension_value(text, "X509v3 Extended Key Usage"),
            "TLS Web Client Authentication, TLS Web Server Authentication");
  EXPECT_EQ(extension_value(text, "X509v3 Basic Constraints"), "CA:FALSE");
  EXPECT_NE(text.find("ASN1 OID: prime256v1"), std::string::npos) << text;
}

TEST_F(DevAgentTest, LeafIsCachedAndBlockingTimesOutWithSameCert) {
  const auto first = agent_.get("/v1/agent/connect/ca/leaf/web").json();
  const auto again = agent_.get("/v1/agent/connect/ca/leaf/web").json();
  EXPECT_EQ(again["SerialNumber"], first["SerialNumber"]);
  const auto index = std::to_string(first["ModifyIndex"].get<std::uint64_t>());
  const auto blocked = agent_.get("/v1/agent/connect/ca/leaf/web?index=" + index + "&wait=1s");
  ASSERT_EQ(blocked.status, 200);
  EXPECT_EQ(blocked.header("X-Consul-Index"), index);
  EXPECT_EQ(blocked.json()["SerialNumber"], first["SerialNumber"]);
  // Another service gets its own certificate.
  EXPECT_NE(agent_.get("/v1/agent/connect/ca/leaf/db").json()["SerialNumber"],
            first["SerialNumber"]);
}

TEST_F(DevAgentTest, CaConfigurationDefaultsAndLeafTtl) {
  const auto r = agent_.get("/v1/connect/ca/configuration");
  ASSERT_EQ(r.status, 200);
  // ConnectCAConfigurationGet (agent/connect_ca_endpoint.go) sets no query meta.
  EXPECT_EQ(r.header("X-Consul-Index"), "");
  const auto cfg = r.json();
  EXPECT_EQ(cfg["Provider"], "consul");
  EXPECT_EQ(cfg["Config"]["LeafCertTTL"], "72h");

  auto put = agent_.put("/v1/connect/ca/configuration",
                        R"({"Provider":"consul","Config":{"LeafCertTTL":"2m"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(agent_.get("/v1/connect/ca/configuration").json()["Config"]["LeafCertTTL"], "2m");
  // Same key: no rotation.
  EXPECT_EQ(agent_.get("/v1/agent/connect/ca/roots").json()["Roots"].size(), 1U);
  const auto leaf = agent_.get("/v1/agent/connect/ca/leaf/short").json();
  EXPECT_EQ(epoch_seconds(leaf["ValidBefore"]) - epoch_seconds(leaf["ValidAfter"]), 120);

  put = agent_.put("/v1/connect/ca/configuration",
                   R"({"Provider":"consul","Config":{"LeafCertTTL":"30s"}})");
  EXPECT_EQ(put.status, 500);
  EXPECT_EQ(put.body, "leaf cert TTL must be greater or equal than 1m0s");

  put = agent_.put("/v1/connect/ca/configuration", R"({"Provider":"consul","Bogus":true})");
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(put.body, "Request decode failed: json: unknown field \"Bogus\"");
}

TEST_F(DevAgentTest, RotationKeepsOldRootTrusted) {
  const auto roots_before = agent_.get("/v1/agent/connect/ca/roots").json();
  const auto old_leaf = agent_.get("/v1/agent/connect/ca/leaf/web").json();
  const auto old_index = old_leaf["ModifyIndex"].get<std::uint64_t>();

  const auto key = run_command({"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  json body = {{"Provider", "consul"}, {"Config", {{"PrivateKey", key.out}}}};
  const auto put = agent_.put("/v1/connect/ca/configuration", body.dump());
  ASSERT_EQ(put.status, 200) << put.body;

  const auto roots = agent_.get("/v1/agent/connect/ca/roots").json();
  ASSERT_EQ(roots["Roots"].size(), 2U);
  EXPECT_EQ(roots["TrustDomain"], roots_before["TrustDomain"]);
  EXPECT_NE(roots["ActiveRootID"], roots_before["ActiveRootID"]);
  int active = 0;
  for (const auto& r : roots["Roots"]) {
    if (r["Active"] == true) {
      ++active;
      EXPECT_EQ(r["ID"], roots["ActiveRootID"]);
    } else {
      EXPECT_EQ(r["ID"], roots_before["ActiveRootID"]);  // the old root, kept
    }
  }
  EXPECT_EQ(active, 1);

  // A blocked leaf query returns at once with a leaf from the new root.
  const auto reply =
      agent_.get("/v1/agent/connect/ca/leaf/web?index=" + std::to_string(old_index) + "&wait=30s");
  const auto new_leaf = reply.json();
  EXPECT_GT(new_leaf["ModifyIndex"].get<std::uint64_t>(), old_index);
  EXPECT_NE(new_leaf["SerialNumber"], old_leaf["SerialNumber"]);
  const auto old_text = x509_text(old_leaf["CertPEM"]);
  const auto new_text = x509_text(new_leaf["CertPEM"]);
  EXPECT_NE(extension_value(old_text, "X509v3 Authority Key Identifier"),
            extension_value(new_text, "X509v3 Authority Key Identifier"));

  const auto bundle = roots_bundle(roots);
  EXPECT_EQ(verify(bundle, old_leaf["CertPEM"]).exit_code, 0);
  EXPECT_EQ(verify(bundle, new_leaf["CertPEM"]).exit_code, 0);
  // The new leaf does not chain to the old root alone.
  EXPECT_NE(verify(roots_bundle(roots_before), new_leaf["CertPEM"]).exit_code, 0);
}

TEST_F(DevAgentTest, RootsBlockingWakesOnRotation) {
  const auto first = agent_.get("/v1/connect/ca/roots");
  const auto index = first.header("X-Consul-Index");
  auto watcher = std::async(std::launch::async, [&] {
    return agent_.get("/v1/agent/connect/ca/roots?index=" + index + "&wait=60s");
  });
  ASSERT_EQ(
      agent_
          .put("/v1/connect/ca/configuration",
               R"({"Provider":"consul","Config":{"PrivateKeyType":"rsa","PrivateKeyBits":2048}})")
          .status,
      200);
  const auto woken = watcher.get();
  EXPECT_GT(std::stoull(woken.header("X-Consul-Index")), std::stoull(index));
  const auto j = woken.json();
  ASSERT_EQ(j["Roots"].size(), 2U);
  EXPECT_EQ(j["Roots"][1]["PrivateKeyType"], "rsa");
  EXPECT_EQ(j["Roots"][1]["PrivateKeyBits"], 2048);
}

// Rotates the agent's CA to a fresh RSA 4096 key and calls `during(roots_before)` once the agent
// logged the rotation's start; `during` returns whether its checks saw the rotation still
// running. The key search takes from a fraction of a second to several, so a rotation that ended
// before `during` saw it is undone (back to EC, a fast rotation) and tried again, up to 5 times.
void during_rsa_4096_rotation(DevAgentProcess& agent,
                              const std::function<bool(std::size_t roots_before)>& during) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto roots = agent.get("/v1/agent/connect/ca/roots").json()["Roots"];
    std::uint64_t last_serial = 0;
    for (const auto& r : roots)
      last_serial = std::max(last_serial, r["SerialNumber"].get<std::uint64_t>());
    auto rotation = std::async(std::launch::async, [&agent] {
      return agent.put(
          "/v1/connect/ca/configuration",
          R"({"Provider":"consul","Config":{"PrivateKeyType":"rsa","PrivateKeyBits":4096}})");
    });
    const auto started = agent.process().wait_for_line(
        "event=ca_rotation_started serial=" + std::to_string(last_serial + 1) + " ", 30s);
    const bool observed = started && during(roots.size());
    const auto put = rotation.get();
    ASSERT_TRUE(started) << agent.process().output();
    ASSERT_EQ(put.status, 200) << put.body;
    if (observed) return;
    ASSERT_EQ(
        agent
            .put("/v1/connect/ca/configuration",
                 R"({"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":256}})")
            .status,
        200);
  }
  FAIL() << "no RSA 4096 rotation lasted long enough to be observed in 5 attempts";
}

std::size_t root_count(const DevAgentProcess& agent) {
  return agent.get("/v1/agent/connect/ca/roots").json()["Roots"].size();
}

// The agent generates a rotation's key on a worker thread: its one HTTP thread keeps answering
// authorize calls (a sidecar's per-connection check, with a deadline) and leaf requests, signed
// by the old root until the new one is stored.
TEST_F(DevAgentTest, AuthorizeAndLeafAreAnsweredWhileAnRsa4096RotationRuns) {
  const std::string authorize_body = json{
      {"Target", "db"},
      {"ClientCertURI",
       "spiffe://" +
           agent_.get("/v1/agent/connect/ca/roots").json()["TrustDomain"].get<std::string>() +
           "/ns/default/dc/dc1/svc/web"}}.dump();
  const auto expected = agent_.post("/v1/agent/connect/authorize", authorize_body);
  ASSERT_EQ(expected.status, 200) << expected.body;
  ASSERT_EQ(expected.json()["Authorized"], true) << expected.body;

  int answered_during = 0;
  json leaf_during;
  std::string old_roots;
  during_rsa_4096_rotation(agent_, [&](std::size_t roots_before) {
    answered_during = 0;
    old_roots = roots_bundle(agent_.get("/v1/agent/connect/ca/roots").json());
    for (int i = 0; i < 5; ++i) {
      const auto r = agent_.post("/v1/agent/connect/authorize", authorize_body);
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.header("Content-Type"), "application/json");
      EXPECT_EQ(r.body, expected.body);
      // The roots asked after the answer are still the old ones: the rotation was running when
      // the authorize call was answered.
      if (root_count(agent_) != roots_before) return false;
      ++answered_during;
    }
    const auto leaf = agent_.get("/v1/agent/connect/ca/leaf/api");
    EXPECT_EQ(leaf.status, 200) << leaf.body;
    leaf_during = leaf.json();
    return root_count(agent_) == roots_before;
  });
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(answered_during, 5);
  // Issued during the rotation: signed by the root that was active then.
  const auto v = verify(old_roots, leaf_during["CertPEM"]);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // Once the new root is stored, a blocked query on that leaf returns one from the new root.
  const auto roots = agent_.get("/v1/agent/connect/ca/roots").json();
  EXPECT_EQ(roots["Roots"].back()["PrivateKeyType"], "rsa");
  EXPECT_EQ(roots["Roots"].back()["PrivateKeyBits"], 4096);
  const auto renewed =
      agent_.get("/v1/agent/connect/ca/leaf/api?index=" +
                 std::to_string(leaf_during["ModifyIndex"].get<std::uint64_t>()) + "&wait=30s");
  ASSERT_EQ(renewed.status, 200);
  EXPECT_NE(renewed.json()["SerialNumber"], leaf_during["SerialNumber"]);
  EXPECT_NE(verify(old_roots, renewed.json()["CertPEM"]).exit_code, 0);
  EXPECT_EQ(verify(roots_bundle(roots), renewed.json()["CertPEM"]).exit_code, 0);
}

// Consul's CAManager.UpdateConfiguration (agent/consul/leader_connect_ca.go) claims the state
// RECONFIGURING first; an update arriving meanwhile fails with caStateError.
TEST_F(DevAgentTest, ConfigurationUpdateDuringARotationIsRefused) {
  HttpReply second;
  during_rsa_4096_rotation(agent_, [&](std::size_t roots_before) {
    second = agent_.put("/v1/connect/ca/configuration",
                        R"({"Provider":"consul","Config":{"LeafCertTTL":"2h"}})");
    return second.status != 200 && root_count(agent_) == roots_before;
  });
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(second.status, 500);
  EXPECT_EQ(second.body, "CA is already in state \"RECONFIGURING\"");
  // The rotation's configuration is the one stored; the refused update left nothing.
  const auto config = agent_.get("/v1/connect/ca/configuration").json()["Config"];
  EXPECT_EQ(config, json::parse(R"({"PrivateKeyType":"rsa","PrivateKeyBits":4096})"));
  // Now that it is done, the same update goes through.
  const auto again = agent_.put("/v1/connect/ca/configuration",
                                R"({"Provider":"consul","Config":{"LeafCertTTL":"2h"}})");
  EXPECT_EQ(again.status, 200) << again.body;
}

}  // namespace
}  // namespace gatehouse::testing
