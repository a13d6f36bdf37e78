#include "proxy/self_registration.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/consul/test_http_server.hpp"
#include "tools/proxy/proxy_options.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
using testing::Request;
using testing::Response;
using testing::TestHttpServer;
using testing::text_response;
namespace http = boost::beast::http;

TEST(SelfRegistration, RegistrationBodyIsConsuls) {
  const SelfRegistrationSpec spec{"web", "", "10.0.0.7", 21000};
  const nlohmann::json body = proxy_registration(spec);
  EXPECT_EQ(body.at("Kind"), "connect-proxy");
  EXPECT_EQ(body.at("ID"), "web-proxy");
  EXPECT_EQ(body.at("Name"), "web-proxy");
  EXPECT_EQ(body.at("Address"), "10.0.0.7");
  EXPECT_EQ(body.at("Port"), 21000);
  EXPECT_EQ(body.at("Proxy").at("DestinationServiceName"), "web");
  const auto& check = body.at("Check");
  EXPECT_EQ(check.at("CheckID"), "web-proxy-ttl");
  EXPECT_EQ(check.at("Name"), "proxy heartbeat");
  EXPECT_EQ(check.at("TTL"), "30s");
  EXPECT_EQ(check.at("Status"), "passing");
}

TEST(SelfRegistration, RegisterIdIsAnIdSuffix) {
  const SelfRegistrationSpec spec{"web", "a1", "", 1};
  EXPECT_EQ(proxy_service_id(spec), "web-proxy-a1");
  EXPECT_EQ(proxy_check_id(spec), "web-proxy-a1-ttl");
  EXPECT_EQ(proxy_registration(spec).name, "web-proxy");  // the name stays unsuffixed
}

TEST(SelfRegistration, AnUnspecifiedListenAddressLeavesTheAddressToTheAgent) {
  EXPECT_EQ(registration_address("0.0.0.0"), "");
  EXPECT_EQ(registration_address("::"), "");
  EXPECT_EQ(registration_address("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(registration_address("10.1.2.3"), "10.1.2.3");
}

Response ok() { return Response{http::status::ok, 11}; }

std::vector<std::string> targets(const std::vector<Request>& requests) {
  std::vector<std::string> out;
  for (const auto& r : requests) {
    out.push_back(std::string{r.method_string()} + " " + std::string{r.target()});
  }
  return out;
}

// A fake agent on an in-process io_context; `handle` sees each request and may call stop.
class SelfRegistrationRun : public ::testing::Test {
 protected:
  void run(const std::function<Response(const Request&, SelfRegistration&)>& handle,
           RegistrationTiming timing) {
    std::unique_ptr<SelfRegistration> reg;
    TestHttpServer server{ioc_.get_executor(), [&](const Request& r) {
                            return std::optional<Response>{handle(r, *reg)};
                          }};
    consul::AgentConfig agent;
    agent.address = *consul::parse_agent_address(server.address(), false);
    reg = std::make_unique<SelfRegistration>(ioc_.get_executor(), agent,
                                             SelfRegistrationSpec{"web", "", "", 21000}, timing);
    reg->start();
    ioc_.run_for(20s);
    EXPECT_TRUE(done_) << "stop() never completed";
    requests_ = targets(server.requests());
  }
  void stop_soon(SelfRegistration& reg) {
    boost::asio::post(ioc_, [this, &reg] {
      reg.stop([this] {
        done_ = true;
        ioc_.stop();
      });
    });
  }

  boost::asio::io_context ioc_;
  bool done_ = false;
  std::vector<std::string> requests_;
};

TEST_F(SelfRegistrationRun, HeartbeatsAndRegistersAgainWhenTheAgentLostTheCheck) {
  int passes = 0;
  int registers = 0;
  RegistrationTiming timing;
  timing.heartbeat = 5ms;
  timing.reconcile = 1h;
  run(
      [&](const Request& r, SelfRegistration& reg) {
        const std::string target{r.target()};
        if (target == "/v1/agent/service/register") {
          if (++registers == 2) stop_soon(reg);
          return ok();
        }
        if (target.starts_with("/v1/agent/check/pass/")) {
          if (++passes == 2) {
            // What an agent answers after a restart (the check is gone).
            return text_response(http::status::internal_server_error,
                                 "CheckID \"web-proxy-ttl\" does not have associated TTL");
          }
          return ok();
        }
        if (target == "/v1/agent/service/web-proxy") {
          return text_response(http::status::not_found, "unknown service ID: web-proxy");
        }
        return ok();
      },
      timing);
  const std::vector<std::string> expected{
      "PUT /v1/agent/service/register",         "PUT /v1/agent/check/pass/web-proxy-ttl",
      "PUT /v1/agent/check/pass/web-proxy-ttl", "GET /v1/agent/service/web-proxy",
      "PUT /v1/agent/service/register",         "PUT /v1/agent/service/deregister/web-proxy",
  };
  EXPECT_EQ(requests_, expected);
}

TEST_F(SelfRegistrationRun, ReconcileKeepsAMatchingRegistration) {
  RegistrationTiming timing;
  timing.heartbeat = 1h;
  timing.reconcile = 5ms;
  int reads = 0;
  run(
      [&](const Request& r, SelfRegistration& reg) {
        const std::string target{r.target()};
        if (target == "/v1/agent/service/web-proxy") {
          ++reads;
          Response res = ok();
          // First the agent has our port, then another one (someone re-registered the ID).
          res.body() = nlohmann::json{{"ID", "web-proxy"},
                                      {"Service", "web-proxy"},
                                      {"Kind", "connect-proxy"},
                                      {"Address", ""},
                                      {"Port", reads == 1 ? 21000 : 21001}}
                           .dump();
          res.set(http::field::content_type, "application/json");
          if (reads == 2) stop_soon(reg);
          return res;
        }
        return ok();
      },
      timing);
  const std::vector<std::string> expected{
      "PUT /v1/agent/service/register",
      "GET /v1/agent/service/web-proxy",
      "GET /v1/agent/service/web-proxy",
      "PUT /v1/agent/service/register",
      "PUT /v1/agent/service/deregister/web-proxy",
  };
  EXPECT_EQ(requests_, expected);
}

TEST_F(SelfRegistrationRun, DeregisterIsTriedThreeTimesThenGivesUp) {
  RegistrationTiming timing;
  timing.heartbeat = 1h;
  timing.reconcile = 1h;
  timing.deregister_retry = 1ms;
  run(
      [&](const Request& r, SelfRegistration& reg) {
        const std::string target{r.target()};
        if (target == "/v1/agent/service/register") {
          stop_soon(reg);
          return ok();
        }
        return text_response(http::status::internal_server_error, "agent is unwell");
      },
      timing);
  const std::vector<std::string> expected{
      "PUT /v1/agent/service/register",
      "PUT /v1/agent/service/deregister/web-proxy",
      "PUT /v1/agent/service/deregister/web-proxy",
      "PUT /v1/agent/service/deregister/web-proxy",
  };
  EXPECT_EQ(requests_, expected);
}

// --- the flags

boost::system::result<tools::ProxyOptions, std::string> parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return tools::parse_proxy_options(argv, [](std::string_view) { return std::nullopt; });
}

TEST(SelfRegistrationFlags, RegisterNeedsServiceAndListenAsInConsul) {
  auto o = parse({"-service", "web", "-service-addr", "127.0.0.1:8080", "-listen", ":0",
                  "-register", "-register-id", "a1"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->config.register_self);
  EXPECT_EQ(o->config.register_id, "a1");
  auto plain = parse({"-service", "web", "-service-addr", "127.0.0.1:8080", "-listen", ":0"});
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_FALSE(plain->config.register_self);
  auto no_listen = parse({"-service", "web", "-register"});
  ASSERT_FALSE(no_listen);
  EXPECT_EQ(no_listen.error(), "-register may only be specified with -service and -listen");
}

}  // namespace
}  // namespace gatehouse::proxy
