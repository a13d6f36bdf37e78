// A sidecar on leaves with the dev agent's shortest LeafCertTTL (1m) stays ready and serves
// across renewals. Consul itself refuses TTLs under 1h (agent/structs/connect_ca.go); the dev
// agent allows them (tools/dev_agent/README.md) and dates them so they are valid for 59/60 of the
// TTL when issued; the sidecar renews them when the agent's blocking leaf query returns a new
// one, at 60-90 % of the lifetime (calculateSoftExpiry, agent/leafcert).
//
// Slow by nature: one renewal every 36-54 s. It waits for 2 renewals (about 2 minutes); set
// GATEHOUSE_LEAF_RENEWAL_SECONDS=300 to keep it going for 5 minutes (the count of renewals is
// printed).
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tls/certificate.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

std::chrono::seconds run_at_least() {
  const char* text = std::getenv("GATEHOUSE_LEAF_RENEWAL_SECONDS");
  return std::chrono::seconds{text != nullptr ? std::atoi(text) : 0};
}

// Lines of the sidecar's log at error level (key=value or JSON form).
std::string error_lines(const std::string& log) {
  std::istringstream in{log};
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("level=error") != std::string::npos ||
        line.find("\"level\":\"error\"") != std::string::npos ||
        line.find("rotation_failed") != std::string::npos) {
      out += line + "\n";
    }
  }
  return out;
}

class LeafRenewalTest : public ProxyTest {
 protected:
  // One connection through the sidecar with a fresh client leaf; the serial of the leaf the
  // sidecar presented.
  std::string served_serial(const std::string& payload) {
    const auto web = client_context("web");  // 1m leaves: fetched anew each time
    TlsClient c{native(web), proxy_port_};
    if (!c.handshake()) {
      ADD_FAILURE() << c.error() << "\n" << proxy_->output();
      return {};
    }
    EXPECT_TRUE(c.write(payload));
    EXPECT_EQ(c.read_exactly(payload.size()), payload);
    c.send_close_notify();
    EXPECT_EQ(c.read_to_end(), "bye\n");
    X509* peer = SSL_get1_peer_certificate(c.native_handle());
    if (peer == nullptr) return {};
    auto serial = tls::serial_colon_hex(peer);
    X509_free(peer);
    return serial;
  }
};

TEST_F(LeafRenewalTest, OneMinuteLeavesRenewWhileServingWithoutErrors) {
  const auto put = agent_.put("/v1/connect/ca/configuration",
                              R"({"Provider":"consul","Config":{"LeafCertTTL":"1m"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  const auto started = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(start_proxy());  // ready: its public listener is up

  auto leaf = agent_.get("/v1/agent/connect/ca/leaf/db").json();
  std::string serial = leaf["SerialNumber"];
  proxy_line("event=tls_updated serial=" + serial);
  EXPECT_EQ(served_serial("first"), serial);

  std::set<std::string> served{serial};
  int renewals = 0;
  while (renewals < 2 || std::chrono::steady_clock::now() - started < run_at_least()) {
    // Returns when the agent renews the leaf (its renewal point) — what the sidecar watches too.
    const auto index = std::to_string(leaf["ModifyIndex"].get<std::uint64_t>());
    const auto next = agent_.get("/v1/agent/connect/ca/leaf/db?index=" + index + "&wait=90s");
    ASSERT_EQ(next.status, 200) << next.body;
    leaf = next.json();
    ASSERT_NE(leaf["SerialNumber"], serial) << "no renewal within 90 s of a 1m leaf";
    serial = leaf["SerialNumber"];
    ++renewals;
    ASSERT_FALSE(proxy_line("event=tls_updated serial=" + serial).empty());
    EXPECT_EQ(served_serial("renewal " + std::to_string(renewals)), serial);
    served.insert(serial);
  }
  std::printf("leaf renewals: %d in %lld s\n", renewals,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::steady_clock::now() - started)
                                         .count()));
  EXPECT_EQ(served.size(), static_cast<std::size_t>(renewals) + 1);
  EXPECT_EQ(error_lines(proxy_->output()), "");
  EXPECT_EQ(error_lines(agent_.process().output()), "");
}

}  // namespace
}  // namespace gatehouse::testing
