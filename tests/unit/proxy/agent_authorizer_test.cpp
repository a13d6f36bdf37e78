// AgentAuthorizer against a fake agent that fails in the ways real agents do: a 500 with Consul's
// text, a 200 whose body is not JSON, an answer that stalls after its headers, no agent at all.
// Each denies (fail closed) with a reason naming what happened, and the next connection after the
// agent answers normally again is allowed.
#include "proxy/agent_authorizer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "tests/unit/consul/test_http_server.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
using testing::Request;
using testing::Response;
using testing::TestHttpServer;
namespace http = boost::beast::http;
namespace net = boost::asio;

constexpr const char* kAllowed =
    R"({"Authorized":true,"Reason":"Default behavior configured by ACLs"})";

enum class Agent { normal, error_500, garbage, stall_mid_body, hang };

class AgentAuthorizerFaults : public ::testing::Test {
 protected:
  AgentAuthorizerFaults() {
    server_.set_staller([this](const Request&) -> std::optional<std::string> {
      if (agent_ != Agent::stall_mid_body) return std::nullopt;
      // Headers promising 64 bytes, then the first few of them, then nothing.
      return std::string{
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n"
          R"({"Authorized":tr)"};
    });
  }

  std::optional<Response> answer(const Request& req) {
    EXPECT_EQ(req.target(), "/v1/agent/connect/authorize");
    switch (agent_) {
      case Agent::normal:
        return json(http::status::ok, kAllowed);
      case Agent::error_500:
        return testing::text_response(http::status::internal_server_error,
                                      "rpc error making call: No cluster leader\n");
      case Agent::garbage:
        return json(http::status::ok, "<html>upstream connect error</html>");
      case Agent::stall_mid_body:  // answered by the staller
      case Agent::hang:
        return std::nullopt;
    }
    return std::nullopt;
  }

  static Response json(http::status status, std::string body) {
    Response res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    return res;
  }

  consul::AgentConfig agent_config() const {
    consul::AgentConfig config;
    config.address = *consul::parse_agent_address(server_.address(), false);
    return config;
  }

  // One check() run to completion on the test's io_context.
  Verdict ask(AgentAuthorizer& authorizer) {
    std::optional<Verdict> verdict;
    net::co_spawn(ioc_, authorizer.check(peer_, target_),
                  [&](const std::exception_ptr& e, Verdict v) {
                    EXPECT_FALSE(e);
                    verdict = std::move(v);
                  });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!verdict && std::chrono::steady_clock::now() < deadline) ioc_.run_one_for(50ms);
    EXPECT_TRUE(verdict) << "no verdict within 10 s";
    return verdict.value_or(Verdict{true, "no verdict", DecisionSource::agent, ""});
  }

  void expect_allowed_again(AgentAuthorizer& authorizer) {
    agent_ = Agent::normal;
    const auto v = ask(authorizer);
    EXPECT_TRUE(v.allowed) << v.reason;
    EXPECT_EQ(v.reason, "Default behavior configured by ACLs");
  }

  net::io_context ioc_;
  Agent agent_ = Agent::normal;
  TestHttpServer server_{ioc_.get_executor(), [this](const Request& r) { return answer(r); }};
  // check() takes both by reference: they must outlive the coroutine.
  const std::string target_ = "db";
  tls::PeerIdentity peer_{
      tls::SpiffeId::for_service("11111111-2222-3333-4444-555555555555.consul", "dc1", "web"),
      "0a"};
};

TEST_F(AgentAuthorizerFaults, AnAnswerIsPassedThrough) {
  AgentAuthorizer authorizer{ioc_.get_executor(), agent_config(), 2s};
  const auto v = ask(authorizer);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.reason, "Default behavior configured by ACLs");
}

TEST_F(AgentAuthorizerFaults, Status500DeniesWithTheStatusAndConsulsTextThenRecovers) {
  AgentAuthorizer authorizer{ioc_.get_executor(), agent_config(), 2s};
  agent_ = Agent::error_500;
  const auto v = ask(authorizer);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason,
            "authz_unavailable: the agent answered status 500: rpc error making call: No cluster "
            "leader");
  expect_allowed_again(authorizer);
}

TEST_F(AgentAuthorizerFaults, A200ThatIsNotJsonDeniesAsInvalidJsonThenRecovers) {
  AgentAuthorizer authorizer{ioc_.get_executor(), agent_config(), 2s};
  agent_ = Agent::garbage;
  const auto v = ask(authorizer);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason,
            "authz_unavailable: invalid JSON in the agent's answer: invalid character '<' looking "
            "for beginning of value");
  expect_allowed_again(authorizer);
}

TEST_F(AgentAuthorizerFaults, AnAnswerStalledMidBodyDeniesAtTheDeadlineThenRecovers) {
  AgentAuthorizer authorizer{ioc_.get_executor(), agent_config(), 300ms};
  agent_ = Agent::stall_mid_body;
  const auto started = std::chrono::steady_clock::now();
  const auto v = ask(authorizer);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason.rfind("authz_unavailable: timed out after 300 ms (", 0), 0U) << v.reason;
  EXPECT_NE(v.reason.find("16 out of 64 bytes received"), std::string::npos) << v.reason;
  EXPECT_GE(took, 300ms);  // not before its deadline
  expect_allowed_again(authorizer);
}

TEST_F(AgentAuthorizerFaults, AnAgentThatNeverAnswersDeniesAtTheDeadlineThenRecovers) {
  AgentAuthorizer authorizer{ioc_.get_executor(), agent_config(), 300ms};
  agent_ = Agent::hang;
  const auto v = ask(authorizer);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason.rfind("authz_unavailable: timed out after 300 ms (", 0), 0U) << v.reason;
  expect_allowed_again(authorizer);
}

TEST_F(AgentAuthorizerFaults, NoAgentListeningDeniesAsNotAsked) {
  // A port nobody listens on: bind one, note it, close it.
  std::string address;
  {
    net::ip::tcp::acceptor probe{ioc_, {net::ip::make_address("127.0.0.1"), 0}};
    address = "127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  }
  consul::AgentConfig config;
  config.address = *consul::parse_agent_address(address, false);
  AgentAuthorizer authorizer{ioc_.get_executor(), config, 2s};
  const auto v = ask(authorizer);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.reason.rfind("authz_unavailable: the agent could not be asked: connect_failed: ", 0),
            0U)
      << v.reason;
}

}  // namespace
}  // namespace gatehouse::proxy
