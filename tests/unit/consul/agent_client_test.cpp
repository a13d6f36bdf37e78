// AgentClient against an in-process Beast server: paths, query parameters, bodies, decoding of
// real agent responses, X-Consul-Index, and Consul's plain-text errors.
#include "consul/agent_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/co_assert.hpp"
#include "tests/unit/consul/test_http_server.hpp"

namespace gatehouse::consul {
namespace {

using namespace std::chrono_literals;
using testing::Request;
using testing::Response;
using testing::TestHttpServer;
using testing::text_response;
namespace net = boost::asio;
namespace http = boost::beast::http;

std::string fixture(const std::string& name) {
  std::ifstream in{std::string{GATEHOUSE_FIXTURES_DIR} + "/consul/" + name};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Response json_response(std::string body, std::string index = {}) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  if (!index.empty()) res.set("X-Consul-Index", index);
  res.body() = std::move(body);
  return res;
}

// One server answering by route, one client, and a coroutine body run to completion.
class AgentClientTest : public ::testing::Test {
 protected:
  using Route = std::function<Response(const Request&)>;

  void run(Route route, std::function<net::awaitable<void>(AgentClient&)> body,
           std::string token = {}) {
    TestHttpServer server{ioc_.get_executor(),
                          [&](const Request& r) { return std::optional<Response>{route(r)}; }};
    AgentConfig config;
    config.address = *parse_agent_address(server.address(), false);
    config.token = std::move(token);
    AgentClient client{ioc_.get_executor(), config};
    bool done = false;
    std::exception_ptr failure;
    net::co_spawn(ioc_, body(client), [&](std::exception_ptr e) {
      failure = e;
      done = true;
      ioc_.stop();
    });
    ioc_.run_for(20s);
    ASSERT_TRUE(done);
    if (failure) std::rethrow_exception(failure);
    requests_ = server.requests();
  }

  net::io_context ioc_;
  std::vector<Request> requests_;
};

TEST_F(AgentClientTest, RootsFromARealAgentWithIndex) {
  run([](const Request&) { return json_response(fixture("agent-connect-ca-roots.json"), "41"); },
      [](AgentClient& agent) -> net::awaitable<void> {
        auto roots = co_await agent.ca_roots();
        CO_ASSERT(roots, roots.error().message());
        EXPECT_EQ(roots->index, 41U);
        EXPECT_EQ(roots->value.active_root_id,
                  "15:bf:3a:7d:ff:ea:c1:8c:46:67:6c:db:b8:81:18:36:ad:e5:d0:c7");
        CO_ASSERT(roots->value.roots.size() == 1, "");
        EXPECT_EQ(roots->value.roots[0].serial_number, 7U);
        auto again = co_await agent.ca_roots(BlockingQuery{41, 2s});
        CO_ASSERT(again, again.error().message());
      });
  ASSERT_EQ(requests_.size(), 2U);
  EXPECT_EQ(requests_[0].target(), "/v1/agent/connect/ca/roots");
  EXPECT_EQ(requests_[1].target(), "/v1/agent/connect/ca/roots?index=41&wait=2000ms");
}

TEST_F(AgentClientTest, LeafFromARealAgent) {
  run([](const Request&) { return json_response(fixture("agent-connect-ca-leaf-web.json"), "12"); },
      [](AgentClient& agent) -> net::awaitable<void> {
        auto leaf = co_await agent.leaf_cert("web");
        CO_ASSERT(leaf, leaf.error().message());
        EXPECT_EQ(leaf->index, 12U);
        EXPECT_EQ(leaf->value.service, "web");
        EXPECT_EQ(leaf->value.service_uri,
                  "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web");
      });
  EXPECT_EQ(requests_.at(0).target(), "/v1/agent/connect/ca/leaf/web");
}

TEST_F(AgentClientTest, PermissionDeniedKeepsStatusAndText) {
  run(
      [](const Request&) {
        return text_response(http::status::forbidden,
                             "Permission denied: token lacks 'service:write'");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        auto leaf = co_await agent.leaf_cert("db");
        CO_ASSERT(!leaf, "expected 403");
        EXPECT_TRUE(leaf.error().is_status(403));
        EXPECT_EQ(leaf.error().body, "Permission denied: token lacks 'service:write'");
      },
      "wrong-token");
  EXPECT_EQ(requests_.at(0)["X-Consul-Token"], "wrong-token");
}

TEST_F(AgentClientTest, AuthorizeSendsExactlyTheThreeFields) {
  run(
      [](const Request&) {
        return json_response(
            R"({"Authorized":true,"Reason":"Default behavior configured by ACLs"})");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        const AuthorizeRequest request{"db", "spiffe://t.consul/ns/default/dc/dc1/svc/web",
                                       "3c:9a:11"};
        auto r = co_await agent.authorize(request);
        CO_ASSERT(r, r.error().message());
        EXPECT_TRUE(r->authorized);
        EXPECT_EQ(r->reason, "Default behavior configured by ACLs");
      });
  const Request& req = requests_.at(0);
  EXPECT_EQ(req.method(), http::verb::post);
  EXPECT_EQ(req.target(), "/v1/agent/connect/authorize");
  EXPECT_EQ(nlohmann::json::parse(req.body()),
            (nlohmann::json{{"Target", "db"},
                            {"ClientCertURI", "spiffe://t.consul/ns/default/dc/dc1/svc/web"},
                            {"ClientCertSerial", "3c:9a:11"}}));
}

TEST_F(AgentClientTest, ExactIntentionCalls) {
  run(
      [](const Request& req) {
        if (req.method() == http::verb::get) {
          return text_response(http::status::not_found, "Intention not found");
        }
        return json_response("true");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        Intention ixn;
        ixn.source_name = "web";
        ixn.destination_name = "db";
        ixn.action = "allow";
        ixn.description = "web may read db";
        auto put = co_await agent.intention_put_exact(ixn);
        CO_ASSERT(put, put.error().message());
        auto get = co_await agent.intention_get_exact("web", "db");
        CO_ASSERT(!get, "expected 404");
        EXPECT_TRUE(get.error().is_status(404));
        EXPECT_EQ(get.error().body, "Intention not found");
        auto del = co_await agent.intention_delete_exact("web", "db");
        CO_ASSERT(del, del.error().message());
      });
  ASSERT_EQ(requests_.size(), 3U);
  EXPECT_EQ(requests_[0].method(), http::verb::put);
  EXPECT_EQ(requests_[0].target(), "/v1/connect/intentions/exact?source=web&destination=db");
  const auto body = nlohmann::json::parse(requests_[0].body());
  EXPECT_EQ(body.at("Action"), "allow");
  EXPECT_EQ(body.at("SourceType"), "consul");
  EXPECT_EQ(body.at("Description"), "web may read db");
  EXPECT_FALSE(body.contains("ID"));
  EXPECT_EQ(requests_[1].target(), "/v1/connect/intentions/exact?source=web&destination=db");
  EXPECT_EQ(requests_[2].method(), http::verb::delete_);
}

TEST_F(AgentClientTest, LegacyCreateReturnsIdAndCheckReturnsAllowed) {
  run(
      [](const Request& req) {
        if (req.method() == http::verb::post) {
          return json_response(R"({"ID":"8f246b77-f3e1-ff88-5b48-8ec93abf3e05"})");
        }
        return json_response(R"({"Allowed":false})");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        Intention ixn;
        ixn.source_name = "web";
        ixn.destination_name = "db";
        ixn.action = "deny";
        auto id = co_await agent.intention_create(ixn);
        CO_ASSERT(id, id.error().message());
        EXPECT_EQ(*id, "8f246b77-f3e1-ff88-5b48-8ec93abf3e05");
        auto allowed = co_await agent.intention_check("web", "db");
        CO_ASSERT(allowed, allowed.error().message());
        EXPECT_FALSE(*allowed);
      });
  EXPECT_EQ(requests_.at(0).target(), "/v1/connect/intentions");
  EXPECT_EQ(requests_.at(1).target(), "/v1/connect/intentions/check?source=web&destination=db");
}

TEST_F(AgentClientTest, MatchIsKeyedByNameWithIndex) {
  run(
      [](const Request&) {
        return json_response(R"({"db":[{"SourceNS":"default","SourceName":"web",
            "DestinationNS":"default","DestinationName":"db","SourceType":"consul",
            "Action":"allow","Precedence":9,"CreateIndex":40,"ModifyIndex":40}]})",
                             "40");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        std::vector<std::string> names{"db"};  // named: see agent_client.hpp
        auto m =
            co_await agent.intention_match(MatchBy::destination, names, BlockingQuery{39, 300s});
        CO_ASSERT(m, m.error().message());
        EXPECT_EQ(m->index, 40U);
        CO_ASSERT(m->value.at("db").size() == 1, "");
        EXPECT_EQ(m->value.at("db")[0].source_name, "web");
        EXPECT_EQ(m->value.at("db")[0].precedence, 9);
      });
  EXPECT_EQ(requests_.at(0).target(),
            "/v1/connect/intentions/match?by=destination&index=39&wait=300000ms&name=db");
}

TEST_F(AgentClientTest, HealthConnectPassingAndUndecodableBody) {
  run(
      [](const Request& req) {
        if (req.target().starts_with("/v1/health")) return json_response("[]", "3");
        return json_response("not json");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        auto h = co_await agent.health_connect("db");
        CO_ASSERT(h, h.error().message());
        EXPECT_EQ(h->index, 3U);
        EXPECT_TRUE(h->value.empty());
        auto leader = co_await agent.status_leader();
        CO_ASSERT(!leader, "expected a decoding error");
        EXPECT_EQ(leader.error().kind, ApiErrorKind::invalid_response);
      });
  EXPECT_EQ(requests_.at(0).target(), "/v1/health/connect/db?passing");
}

TEST_F(AgentClientTest, ConfigEntryWrites) {
  run([](const Request&) { return json_response("true"); },
      [](AgentClient& agent) -> net::awaitable<void> {
        ServiceIntentionsEntry entry;
        entry.name = "db";
        SourceIntention src;
        src.name = "web";
        src.action = "allow";
        entry.sources.push_back(src);
        auto ok = co_await agent.put_service_intentions(entry, std::uint64_t{7});
        CO_ASSERT(ok, ok.error().message());
        EXPECT_TRUE(*ok);
        auto del = co_await agent.delete_service_intentions("db");
        CO_ASSERT(del, del.error().message());
      });
  EXPECT_EQ(requests_.at(0).target(), "/v1/config?cas=7");
  const auto body = nlohmann::json::parse(requests_.at(0).body());
  EXPECT_EQ(body.at("Kind"), "service-intentions");
  EXPECT_EQ(body.at("Name"), "db");
  EXPECT_EQ(body.at("Sources").at(0).at("Name"), "web");
  EXPECT_EQ(requests_.at(1).method(), http::verb::delete_);
  EXPECT_EQ(requests_.at(1).target(), "/v1/config/service-intentions/db");
}

}  // namespace
}  // namespace gatehouse::consul

namespace gatehouse::consul {
namespace {

TEST(ToQuery, KeepsIndexHashWaitAndMargin) {
  BlockingParams p;
  p.index = 7;
  p.hash = "aa";
  p.wait = std::chrono::seconds{10};
  p.timeout = blocking_request_timeout(p.wait, std::chrono::seconds{5});
  const BlockingQuery q = to_query(p);
  EXPECT_EQ(q.index, 7U);
  EXPECT_EQ(q.hash, "aa");
  EXPECT_EQ(q.wait, std::chrono::seconds{10});
  EXPECT_EQ(q.margin, std::chrono::seconds{5});
}

TEST(IntentionSide, DefaultNamespaceIsImplicit) {
  EXPECT_EQ(intention_side("", "web"), "web");
  EXPECT_EQ(intention_side("default", "web"), "web");
  EXPECT_EQ(intention_side("team", "web"), "team/web");
}

}  // namespace
}  // namespace gatehouse::consul

namespace gatehouse::consul {
namespace {

TEST_F(AgentClientTest, AgentServiceIsHashBlocking) {
  run(
      [](const Request&) {
        Response res = json_response(R"({"Kind":"connect-proxy","ID":"web-sidecar-proxy",
            "Service":"web-sidecar-proxy","Tags":[],"Meta":{},"Port":21000,"Address":"",
            "Weights":{"Passing":1,"Warning":1},"EnableTagOverride":false,
            "ContentHash":"4ecd29c7bc647ca8","Datacenter":"dc1",
            "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web",
            "LocalServiceAddress":"127.0.0.1","LocalServicePort":8080}})");
        res.set("X-Consul-ContentHash", "4ecd29c7bc647ca8");
        return res;
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        BlockingQuery query;
        query.hash = "b1a3f0e4c2d97a51";
        query.wait = 60s;
        auto svc = co_await agent.agent_service("web-sidecar-proxy", query);
        CO_ASSERT(svc, svc.error().message());
        EXPECT_EQ(svc->hash, "4ecd29c7bc647ca8");
        EXPECT_EQ(svc->value.kind, "connect-proxy");
        EXPECT_EQ(svc->value.port, 21000);
        CO_ASSERT(svc->value.proxy.has_value(), "no Proxy");
        EXPECT_EQ(svc->value.proxy->destination_service_name, "web");
      });
  EXPECT_EQ(requests_.at(0).target(),
            "/v1/agent/service/web-sidecar-proxy?hash=b1a3f0e4c2d97a51&wait=60000ms");
}

TEST_F(AgentClientTest, RegisterAndDeregister) {
  run([](const Request&) { return json_response(""); },
      [](AgentClient& agent) -> net::awaitable<void> {
        AgentServiceRegistration reg;
        reg.name = "api";
        reg.port = 8443;
        reg.connect = AgentServiceConnect{};
        reg.connect->native = true;
        auto r = co_await agent.register_service(reg, false);
        CO_ASSERT(r, r.error().message());
        auto d = co_await agent.deregister_service("api");
        CO_ASSERT(d, d.error().message());
      });
  EXPECT_EQ(requests_.at(0).method(), http::verb::put);
  EXPECT_EQ(requests_.at(0).target(), "/v1/agent/service/register");
  const auto body = nlohmann::json::parse(requests_.at(0).body());
  EXPECT_EQ(body.at("Name"), "api");
  EXPECT_EQ(body.at("Port"), 8443);
  EXPECT_EQ(body.at("Connect").at("Native"), true);
  EXPECT_EQ(requests_.at(1).method(), http::verb::put);
  EXPECT_EQ(requests_.at(1).target(), "/v1/agent/service/deregister/api");
}

}  // namespace
}  // namespace gatehouse::consul

namespace gatehouse::consul {
namespace {

TEST_F(AgentClientTest, PassTtlCheckPutsWithNoteAndKeepsTheAgentsError) {
  int calls = 0;
  run(
      [&calls](const Request&) {
        return ++calls == 1 ? json_response("")
                            : text_response(http::status::not_found,
                                            "Unknown check ID \"web-proxy-ttl\"");
      },
      [](AgentClient& agent) -> net::awaitable<void> {
        auto ok = co_await agent.pass_ttl_check("web-proxy-ttl", "");
        CO_ASSERT(ok, ok.error().message());
        auto lost = co_await agent.pass_ttl_check("web-proxy-ttl", "alive");
        CO_ASSERT(!lost, "an unknown check must fail");
        EXPECT_EQ(lost.error().status, 404);
        EXPECT_EQ(lost.error().body, "Unknown check ID \"web-proxy-ttl\"");
      });
  EXPECT_EQ(requests_.at(0).method(), http::verb::put);
  EXPECT_EQ(requests_.at(0).target(), "/v1/agent/check/pass/web-proxy-ttl");
  EXPECT_EQ(requests_.at(1).target(), "/v1/agent/check/pass/web-proxy-ttl?note=alive");
}

}  // namespace
}  // namespace gatehouse::consul
