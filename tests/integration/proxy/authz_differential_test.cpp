// -authz local must decide exactly as the agent's authorize does. Random service-intentions
// config entries (exact names and wildcards, sources from peers, L7 permissions, deletions) are
// written to a real dev agent; after each change, random callers (known and unknown services, a
// foreign namespace) are decided by LocalAuthorizer from its own intention watch and by the
// agent's POST /v1/agent/connect/authorize, and both answers must be the same: `Authorized` and
// `Reason`, byte for byte. Three agents cover the three no-match defaults (ACL allow, ACL deny,
// default_intention_policy deny).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "consul/agent_config.hpp"
#include "proxy/authorization.hpp"
#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tls/spiffe_id.hpp"

namespace gatehouse::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace net = boost::asio;

const std::vector<std::string> kDestinations{"db", "api", "cache"};
const std::vector<std::string> kSourceNames{"web", "api", "db", "cache", "batch", "*"};
const std::vector<std::string> kCallerNames{"web", "api", "db", "cache", "batch", "ghost"};
constexpr int kRounds = 17;
constexpr int kCallersPerDestination = 70;

struct AgentSetup {
  std::string name;  // the test's suffix
  std::vector<std::string> flags;
  std::string token;
};

// One random service-intentions entry for `destination` (which may be `*`).
json random_entry(std::mt19937& rng, const std::string& destination) {
  const auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>{0, n - 1}(rng);
  };
  const auto chance = [&rng](double p) { return std::bernoulli_distribution{p}(rng); };
  json sources = json::array();
  std::vector<std::string> used;
  const std::size_t count = 1 + pick(4);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string name = kSourceNames[pick(kSourceNames.size())];
    const std::string peer = chance(0.1) ? "east" : "";
    const std::string key = peer + "/" + name;
    if (std::find(used.begin(), used.end(), key) != used.end()) continue;
    used.push_back(key);
    json source{{"Name", name}};
    if (!peer.empty()) source["Peer"] = peer;
    // Consul refuses L7 permissions on a wildcard destination.
    if (destination != "*" && chance(0.15)) {
      source["Permissions"] = json::array(
          {{{"Action", chance(0.5) ? "allow" : "deny"}, {"HTTP", {{"PathPrefix", "/x"}}}}});
    } else {
      source["Action"] = chance(0.5) ? "allow" : "deny";
    }
    sources.push_back(source);
  }
  return {{"Kind", "service-intentions"}, {"Name", destination}, {"Sources", sources}};
}

class AuthzDifferential : public ::testing::TestWithParam<AgentSetup> {};

// The agent's current intention index as seen by match for every destination.
std::uint64_t match_index(const DevAgentProcess& agent, const std::string& token) {
  std::vector<std::string> curl_args;
  if (!token.empty()) curl_args = {"-H", "X-Consul-Token: " + token};
  const auto reply = agent.request("GET", "/v1/connect/intentions/match?by=destination&name=db",
                                   std::nullopt, curl_args);
  return std::stoull(reply.header("x-consul-index"));
}

TEST_P(AuthzDifferential, LocalDecisionsEqualTheAgentsAuthorizeAnswers) {
  const AgentSetup& setup = GetParam();
  DevAgentProcess agent{setup.flags};
  ASSERT_FALSE(agent.base_url().empty()) << agent.process().output();
  std::vector<std::string> curl_args;
  if (!setup.token.empty()) curl_args = {"-H", "X-Consul-Token: " + setup.token};
  const auto roots = agent.request("GET", "/v1/agent/connect/ca/roots", std::nullopt, curl_args);
  ASSERT_EQ(roots.status, 200) << roots.body;
  const std::string trust_domain = roots.json()["TrustDomain"];
  // L7 permissions need an HTTP destination (service-defaults Protocol).
  for (const auto& destination : kDestinations) {
    const json defaults{{"Kind", "service-defaults"}, {"Name", destination}, {"Protocol", "http"}};
    const auto put = agent.request("PUT", "/v1/config", defaults.dump(), curl_args);
    ASSERT_EQ(put.status, 200) << put.body;
  }

  consul::AgentConfig config;
  config.address = *consul::parse_agent_address(agent.base_url().substr(7), false);
  config.token = setup.token;
  proxy::AuthzConfig local_config;
  local_config.mode = proxy::AuthzMode::local;
  consul::BlockingOptions fast_watch;
  fast_watch.rate_per_second = 1000;
  fast_watch.burst = 1000;

  net::io_context ioc;
  std::vector<std::unique_ptr<proxy::Authorization>> locals;
  std::vector<std::shared_ptr<proxy::Authorizer>> local_authorizers;
  for (const auto& destination : kDestinations) {
    auto& authz =
        locals.emplace_back(std::make_unique<proxy::Authorization>(local_config, config, 2000ms));
    authz->start(ioc.get_executor(), destination, fast_watch);
    local_authorizers.push_back(authz->make_authorizer(ioc.get_executor()));
  }
  auto agent_authorizer =
      std::make_shared<proxy::AgentAuthorizer>(ioc.get_executor(), config, 2000ms);

  std::mt19937 rng{20261202};
  int compared = 0;
  int decided_locally = 0;
  std::map<std::string, int> reason_kinds;  // the reason up to its first ':' (coverage)
  std::vector<std::string> disagreements;
  bool done = false;
  std::exception_ptr failure;

  const auto body = [&]() -> net::awaitable<void> {
    net::steady_timer pause{ioc};
    for (int round = 0; round < kRounds; ++round) {
      // Change the intentions: a new entry for one destination (or for `*`), or a deletion.
      const std::vector<std::string> targets{"db", "api", "cache", "*"};
      const std::string target = targets[std::uniform_int_distribution<std::size_t>{0, 3}(rng)];
      if (round > 0 && std::bernoulli_distribution{0.2}(rng)) {
        agent.request("DELETE", "/v1/config/service-intentions/" + (target == "*" ? "%2A" : target),
                      std::nullopt, curl_args);
      } else {
        const auto put =
            agent.request("PUT", "/v1/config", random_entry(rng, target).dump(), curl_args);
        EXPECT_EQ(put.status, 200) << put.body;
      }
      // Every watch must have seen this change before deciding.
      const std::uint64_t index = match_index(agent, setup.token);
      for (int waited = 0; waited < 1000; ++waited) {
        bool all_current = true;
        for (auto& authz : locals) {
          const auto set = authz->watch()->current();
          all_current = all_current && set && set->index >= index;
        }
        if (all_current) break;
        pause.expires_after(5ms);
        co_await pause.async_wait(net::use_awaitable);
      }
      for (std::size_t d = 0; d < kDestinations.size(); ++d) {
        for (int i = 0; i < kCallersPerDestination; ++i) {
          tls::ServiceIdentity caller;
          caller.trust_domain = trust_domain;
          caller.datacenter = "dc1";
          caller.ns = std::bernoulli_distribution{0.1}(rng) ? "other" : "default";
          caller.service = kCallerNames[std::uniform_int_distribution<std::size_t>{
              0, kCallerNames.size() - 1}(rng)];
          const tls::PeerIdentity peer{tls::SpiffeId{caller}, "01:02"};
          const proxy::Verdict local = co_await local_authorizers[d]->check(peer, kDestinations[d]);
          const proxy::Verdict asked = co_await agent_authorizer->check(peer, kDestinations[d]);
          ++compared;
          if (local.source == proxy::DecisionSource::local) ++decided_locally;
          ++reason_kinds[asked.reason.substr(0, asked.reason.find(':'))];
          if (local.allowed != asked.allowed || local.reason != asked.reason) {
            std::ostringstream out;
            out << "round " << round << " " << peer.id.to_string() << " -> " << kDestinations[d]
                << ": local " << local.allowed << " \"" << local.reason << "\", agent "
                << asked.allowed << " \"" << asked.reason << "\"";
            disagreements.push_back(out.str());
          }
        }
      }
    }
  };
  net::co_spawn(ioc, body(), [&](std::exception_ptr e) {
    failure = e;
    done = true;
    for (auto& authz : locals) authz->stop();
    ioc.stop();
  });
  ioc.run_for(300s);
  ASSERT_TRUE(done) << "the comparison did not finish";
  if (failure) std::rethrow_exception(failure);

  EXPECT_EQ(compared, kRounds * static_cast<int>(kDestinations.size()) * kCallersPerDestination);
  // Only the first no-match of each destination is asked of the agent (to learn its default).
  EXPECT_GE(decided_locally, compared - 3 * static_cast<int>(kDestinations.size()));
  // Every kind of answer was compared: L4 and L7 matches, and the no-match default.
  EXPECT_GT(reason_kinds["Matched L4 intention"], 100);
  EXPECT_GT(reason_kinds["Matched L7 intention"], 10);
  EXPECT_GT(reason_kinds[GetParam().name == "DefaultIntentionPolicyDeny"
                             ? "Default intention policy"
                             : "Default behavior configured by ACLs"],
            100);
  EXPECT_TRUE(disagreements.empty())
      << disagreements.size() << " disagreements, first: " << disagreements.front();
}

INSTANTIATE_TEST_SUITE_P(
    NoMatchDefaults, AuthzDifferential,
    ::testing::Values(
        AgentSetup{"AclAllow", {}, ""},
        AgentSetup{
            "AclDeny", {"-acl-token", "root-token", "-acl-default-policy", "deny"}, "root-token"},
        AgentSetup{"DefaultIntentionPolicyDeny", {"-default-intention-policy", "deny"}, ""}),
    [](const ::testing::TestParamInfo<AgentSetup>& param) { return param.param.name; });

}  // namespace
}  // namespace gatehouse::testing
