// AgentClient against the real `gatehouse dev-agent` on 127.0.0.1 (port chosen at run time):
// CA roots and leaf, exact intentions, authorize reasons, match, check, blocking queries that
// wake on a change or time out, and ACL denials with the wrong token.
#include "consul/agent_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>

#include "tests/co_assert.hpp"
#include "tests/integration/support/child_process.hpp"

namespace gatehouse::consul {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
namespace net = boost::asio;

// A dev agent on a run-time port; stopped (SIGTERM) when the test ends, even on failure.
class DevAgent {
 public:
  explicit DevAgent(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> argv{GATEHOUSE_BINARY, "dev-agent", "-http-addr", "127.0.0.1:0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    const auto line = process_->wait_for_line("event=listening component=dev-agent");
    if (line) address_ = testing::field(*line, "addr");
  }
  const std::string& address() const { return address_; }
  std::string output() const { return process_->output(); }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string address_;
};

AgentConfig config_for(const DevAgent& agent, std::string token = {}) {
  AgentConfig config;
  config.address = *parse_agent_address(agent.address(), false);
  config.token = std::move(token);
  return config;
}

// Runs `body` with a client for `config` to completion (bounded by a safety limit).
void run_with_client(const AgentConfig& config,
                     const std::function<net::awaitable<void>(AgentClient&)>& body) {
  net::io_context ioc;
  AgentClient agent{ioc.get_executor(), config};
  bool done = false;
  std::exception_ptr failure;
  net::co_spawn(ioc, body(agent), [&](std::exception_ptr e) {
    failure = e;
    done = true;
    ioc.stop();  // idle keep-alive connections would keep the loop alive
  });
  ioc.run_for(60s);
  ASSERT_TRUE(done) << "test coroutine did not finish";
  if (failure) std::rethrow_exception(failure);
}

Intention intention(std::string source, std::string destination, std::string action) {
  Intention ixn;
  ixn.source_name = std::move(source);
  ixn.destination_name = std::move(destination);
  ixn.action = std::move(action);
  return ixn;
}

class AgentClientIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(agent_.address().empty()) << "dev agent did not start:\n" << agent_.output();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "--- dev agent output ---\n" << agent_.output();
  }
  DevAgent agent_;
};

TEST_F(AgentClientIntegration, RootsAndLeaf) {
  run_with_client(config_for(agent_), [](AgentClient& agent) -> net::awaitable<void> {
    auto roots = co_await agent.ca_roots();
    CO_ASSERT(roots, roots.error().message());
    EXPECT_GT(roots->index, 0U);
    const CaRoot* active = roots->value.active_root();
    CO_ASSERT(active != nullptr, "no active root");
    EXPECT_TRUE(active->root_cert.starts_with("-----BEGIN CERTIFICATE-----"));
    EXPECT_TRUE(roots->value.trust_domain.ends_with(".consul")) << roots->value.trust_domain;

    auto leaf = co_await agent.leaf_cert("web");
    CO_ASSERT(leaf, leaf.error().message());
    EXPECT_GT(leaf->index, 0U);
    EXPECT_EQ(leaf->value.service, "web");
    EXPECT_EQ(leaf->value.service_uri,
              "spiffe://" + roots->value.trust_domain + "/ns/default/dc/dc1/svc/web");
    EXPECT_TRUE(leaf->value.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    EXPECT_FALSE(leaf->value.private_key_pem.empty());
  });
}

TEST_F(AgentClientIntegration, ExactIntentionPutGetDelete) {
  run_with_client(config_for(agent_), [](AgentClient& agent) -> net::awaitable<void> {
    Intention ixn = intention("web", "db", "allow");
    ixn.description = "web may read db";
    auto put = co_await agent.intention_put_exact(ixn);
    CO_ASSERT(put, put.error().message());

    auto got = co_await agent.intention_get_exact("web", "db");
    CO_ASSERT(got, got.error().message());
    EXPECT_EQ(got->source_name, "web");
    EXPECT_EQ(got->destination_name, "db");
    EXPECT_EQ(got->action, "allow");
    EXPECT_EQ(got->description, "web may read db");
    EXPECT_EQ(got->precedence, 9);
    EXPECT_EQ(got->id, "");  // exact-API intentions have no ID

    auto deleted = co_await agent.intention_delete_exact("web", "db");
    CO_ASSERT(deleted, deleted.error().message());
    auto gone = co_await agent.intention_get_exact("web", "db");
    CO_ASSERT(!gone, "intention still there after delete");
    EXPECT_TRUE(gone.error().is_status(404)) << gone.error().message();
    EXPECT_EQ(gone.error().body, "Intention not found");
  });
}

TEST_F(AgentClientIntegration, AuthorizeReasonsMatchAndCheck) {
  run_with_client(config_for(agent_), [](AgentClient& agent) -> net::awaitable<void> {
    auto roots = co_await agent.ca_roots();
    CO_ASSERT(roots, roots.error().message());
    const std::string web_uri =
        "spiffe://" + roots->value.trust_domain + "/ns/default/dc/dc1/svc/web";
    const std::string api_uri =
        "spiffe://" + roots->value.trust_domain + "/ns/default/dc/dc1/svc/api";

    AuthorizeRequest from_web{"db", web_uri, ""};
    auto before = co_await agent.authorize(from_web);
    CO_ASSERT(before, before.error().message());
    EXPECT_TRUE(before->authorized);  // ACLs disabled: default allow
    EXPECT_EQ(before->reason, "Default behavior configured by ACLs");

    Intention allow_web = intention("web", "db", "allow");
    Intention deny_all = intention("*", "db", "deny");
    auto put1 = co_await agent.intention_put_exact(allow_web);
    CO_ASSERT(put1, put1.error().message());
    auto put2 = co_await agent.intention_put_exact(deny_all);
    CO_ASSERT(put2, put2.error().message());

    auto allowed = co_await agent.authorize(from_web);
    CO_ASSERT(allowed, allowed.error().message());
    EXPECT_TRUE(allowed->authorized);
    EXPECT_EQ(allowed->reason,
              "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)");

    AuthorizeRequest from_api{"db", api_uri, ""};
    auto denied = co_await agent.authorize(from_api);
    CO_ASSERT(denied, denied.error().message());
    EXPECT_FALSE(denied->authorized);
    EXPECT_EQ(denied->reason,
              "Matched L4 intention: default/* => default/db (Precedence: 8, Action: DENY)");

    std::vector<std::string> names{"db"};
    auto match = co_await agent.intention_match(MatchBy::destination, names, BlockingQuery{});
    CO_ASSERT(match, match.error().message());
    CO_ASSERT(match->value.contains("db"), "no db key");
    const auto& db = match->value.at("db");
    CO_ASSERT(db.size() == 2, "expected two intentions, got " << db.size());
    EXPECT_EQ(db[0].source_name, "web");
    EXPECT_EQ(db[0].precedence, 9);
    EXPECT_EQ(db[1].source_name, "*");
    EXPECT_EQ(db[1].precedence, 8);

    auto web_check = co_await agent.intention_check("web", "db");
    CO_ASSERT(web_check, web_check.error().message());
    EXPECT_TRUE(*web_check);
    auto api_check = co_await agent.intention_check("api", "db");
    CO_ASSERT(api_check, api_check.error().message());
    EXPECT_FALSE(*api_check);

    AuthorizeRequest no_target{"", web_uri, ""};
    auto bad = co_await agent.authorize(no_target);
    CO_ASSERT(!bad, "authorize without a target succeeded");
    EXPECT_TRUE(bad.error().is_status(400));
    EXPECT_EQ(bad.error().body, "Target service must be specified");
  });
}

TEST_F(AgentClientIntegration, BlockingMatchWakesOnChange) {
  run_with_client(config_for(agent_), [](AgentClient& agent) -> net::awaitable<void> {
    using namespace net::experimental::awaitable_operators;
    std::vector<std::string> names{"db"};
    auto first = co_await agent.intention_match(MatchBy::destination, names, BlockingQuery{});
    CO_ASSERT(first, first.error().message());
    CO_ASSERT(first->index > 0, "no X-Consul-Index");
    EXPECT_TRUE(first->value.at("db").empty());

    // Whether the write lands before or after the blocking request reaches the agent, the
    // answer must carry the new intention and a higher index.
    BlockingQuery blocking;
    blocking.index = first->index;
    blocking.wait = 30s;
    Intention allow_web = intention("web", "db", "allow");
    auto [woke, put] = co_await (agent.intention_match(MatchBy::destination, names, blocking) &&
                                 agent.intention_put_exact(allow_web));
    CO_ASSERT(put, put.error().message());
    CO_ASSERT(woke, woke.error().message());
    EXPECT_GT(woke->index, first->index);
    CO_ASSERT(woke->value.at("db").size() == 1, "");
    EXPECT_EQ(woke->value.at("db")[0].source_name, "web");
  });
}

TEST_F(AgentClientIntegration, BlockingQueryTimesOutWithSameIndex) {
  run_with_client(config_for(agent_), [](AgentClient& agent) -> net::awaitable<void> {
    auto first = co_await agent.ca_roots();
    CO_ASSERT(first, first.error().message());
    BlockingQuery blocking;
    blocking.index = first->index;
    blocking.wait = 1s;
    auto again = co_await agent.ca_roots(blocking);
    CO_ASSERT(again, again.error().message());
    EXPECT_EQ(again->index, first->index);
    EXPECT_EQ(again->value, first->value);
  });
}

TEST_F(AgentClientIntegration, WatchPublishesRootsAndStops) {
  net::io_context ioc;
  AgentClient agent{ioc.get_executor(), config_for(agent_)};
  std::vector<std::string> active_ids;
  std::unique_ptr<Watch<CaRoots>> watch;
  BlockingOptions options;
  options.wait = 30s;
  watch = std::make_unique<Watch<CaRoots>>(
      ioc.get_executor(), BlockingMode::index,
      [&agent](BlockingParams p) { return agent.ca_roots(to_query(p)); },
      [&](const Blocking<CaRoots>& roots) {
        active_ids.push_back(roots.value.active_root_id);
        watch->stop();  // the first value is enough: the blocking request in flight is cancelled
      },
      Watch<CaRoots>::OnError{}, options);
  watch->start();
  ioc.run_for(30s);
  EXPECT_TRUE(watch->finished());
  ASSERT_EQ(active_ids.size(), 1U);
  EXPECT_FALSE(active_ids[0].empty());
}

TEST(AgentClientAcl, WrongTokenIsPermissionDenied) {
  DevAgent agent{{"-acl-token", "root-secret"}};
  ASSERT_FALSE(agent.address().empty()) << "dev agent did not start:\n" << agent.output();
  run_with_client(
      config_for(agent, "wrong-token"), [](AgentClient& client) -> net::awaitable<void> {
        auto leaf = co_await client.leaf_cert("web");
        CO_ASSERT(!leaf, "leaf issued with a wrong token");
        EXPECT_TRUE(leaf.error().is_status(403)) << leaf.error().message();
        EXPECT_EQ(leaf.error().body, "ACL not found");  // an unknown token, as Consul answers
        EXPECT_EQ(leaf.error().message(), "Unexpected response code: 403 (ACL not found)");
        Intention allow_web = intention("web", "db", "allow");
        auto put = co_await client.intention_put_exact(allow_web);
        CO_ASSERT(!put, "intention written with a wrong token");
        EXPECT_TRUE(put.error().is_status(403)) << put.error().message();
      });
  run_with_client(config_for(agent), [](AgentClient& client) -> net::awaitable<void> {
    auto leaf = co_await client.leaf_cert("web");
    CO_ASSERT(!leaf, "leaf issued without a token");
    EXPECT_TRUE(leaf.error().is_status(403)) << leaf.error().message();
    EXPECT_EQ(leaf.error().body,
              "Permission denied: anonymous token lacks permission 'service:write' on \"web\". "
              "The anonymous token is used implicitly when a request does not specify a token.");
  });
  run_with_client(config_for(agent, "root-secret"),
                  [](AgentClient& client) -> net::awaitable<void> {
                    auto leaf = co_await client.leaf_cert("web");
                    CO_ASSERT(leaf, leaf.error().message());
                    EXPECT_EQ(leaf->value.service, "web");
                  });
}

}  // namespace
}  // namespace gatehouse::consul
