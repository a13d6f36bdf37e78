// `gatehouse probe` against a dev agent (default intention policy deny) and three services web,
// api and db, each an echo app behind a real `gatehouse proxy`.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tests/integration/support/loopback_port.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

// An app that takes connections and never answers: a listening socket nobody accepts on (the
// kernel completes the sidecar's connect and buffers what it sends).
class SilentApp {
 public:
  SilentApp() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&  // NOLINT
        ::listen(fd_, 16) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {  // NOLINT
      address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    }
  }
  ~SilentApp() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentApp(const SilentApp&) = delete;
  SilentApp& operator=(const SilentApp&) = delete;
  const std::string& address() const { return address_; }  // "" when it could not listen

 private:
  int fd_;
  std::string address_;
};

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ProbeTest : public ::testing::Test {
 protected:
  ProbeTest() : agent_({"-default-intention-policy", "deny"}) {}

  void SetUp() override {
    for (const std::string name : {"web", "api", "db"}) {
      auto app = std::make_unique<ChildProcess>(std::vector<std::string>{
          GATEHOUSE_BINARY, "echo", "-listen", "127.0.0.1:0", "-http", "-name", name});
      const auto app_line = app->wait_for_line("event=listening");
      ASSERT_TRUE(app_line) << app->output();
      apps_[name] = std::move(app);
      ASSERT_NO_FATAL_FAILURE(start_sidecar(name, field(*app_line, "addr")));
    }
    put_intention("web", "db", "allow");
    put_intention("api", "db", "deny");
  }

  // A sidecar for `name` in front of the app at `app_addr`, registered in the agent.
  void start_sidecar(const std::string& name, const std::string& app_addr) {
    auto sidecar = std::make_unique<ChildProcess>(std::vector<std::string>{
        GATEHOUSE_BINARY, "proxy", "-service", name, "-service-addr", app_addr, "-listen",
        "127.0.0.1:0", "-http-addr", agent_.base_url(), "-workers", "1"});
    const auto sidecar_line = sidecar->wait_for_line("event=listening listener=public", 20s);
    ASSERT_TRUE(sidecar_line) << sidecar->output();
    app_addr_[name] = app_addr;
    sidecar_addr_[name] = field(*sidecar_line, "addr");
    sidecars_[name] = std::move(sidecar);
    register_service(name, json::array());
  }

  // `name` with its sidecar (and the sidecar's upstreams) in the agent.
  void register_service(const std::string& name, const json& upstreams) {
    json sidecar{{"Port", port_of(sidecar_addr_[name])}};
    if (!upstreams.empty()) sidecar["Proxy"] = {{"Upstreams", upstreams}};
    const json registration{{"ID", name},
                            {"Name", name},
                            {"Address", "127.0.0.1"},
                            {"Port", port_of(app_addr_[name])},
                            {"Connect", {{"SidecarService", sidecar}}}};
    const auto r = agent_.put("/v1/agent/service/register", registration.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void put_intention(const std::string& src, const std::string& dst, const std::string& action) {
    const auto r = agent_.put("/v1/connect/intentions/exact?source=" + src + "&destination=" + dst,
                              json{{"Action", action}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  CommandResult probe(std::vector<std::string> flags) {
    std::vector<std::string> argv{GATEHOUSE_BINARY, "probe", "-http-addr", agent_.base_url()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run_command(argv);
  }

  static const json& pair(const json& doc, const std::string& src, const std::string& dst) {
    for (const auto& p : doc["pairs"]) {
      if (p["source"] == src && p["destination"] == dst) return p;
    }
    static const json missing;
    ADD_FAILURE() << "no pair " << src << " -> " << dst << " in " << doc.dump(2);
    return missing;
  }

  DevAgentProcess agent_;
  std::map<std::string, std::unique_ptr<ChildProcess>> apps_;
  std::map<std::string, std::unique_ptr<ChildProcess>> sidecars_;
  std::map<std::string, std::string> sidecar_addr_;
  std::map<std::string, std::string> app_addr_;
};

TEST_F(ProbeTest, EveryPairMatchesJsonAndJunit) {
  const TempFile junit{""};
  const auto r = probe({"-format", "json", "-junit", junit.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["mode"], "direct");
  EXPECT_EQ(doc["summary"], (json{{"pairs", 6}, {"mismatches", 0}}));
  ASSERT_EQ(doc["pairs"].size(), 6U);

  const auto& web_db = pair(doc, "web", "db");
  EXPECT_EQ(web_db["expected"], "allow");
  EXPECT_EQ(web_db["observed"], "allow");
  EXPECT_EQ(web_db["intention"], "web => db (allow)");
  EXPECT_EQ(web_db["reason"],
            "connection still open after the 3000ms settle window (the app is silent)");
  EXPECT_EQ(web_db["target"], sidecar_addr_["db"]);
  EXPECT_EQ(web_db["mismatch"], false);
  EXPECT_TRUE(web_db["policy"].is_null());

  const auto& api_db = pair(doc, "api", "db");
  EXPECT_EQ(api_db["expected"], "deny");
  EXPECT_EQ(api_db["observed"], "deny");
  EXPECT_EQ(api_db["intention"], "api => db (deny)");
  EXPECT_EQ(api_db["reason"],
            "the sidecar closed the connection (close_notify) after the handshake with zero "
            "application bytes");

  const auto& db_web = pair(doc, "db", "web");
  EXPECT_EQ(db_web["expected"], "deny");
  EXPECT_EQ(db_web["observed"], "deny");
  EXPECT_TRUE(db_web["intention"].is_null());

  // What db's sidecar saw: api refused by the intention, web accepted.
  const auto denied = sidecars_["db"]->wait_for_line("outcome=denied", 10s);
  ASSERT_TRUE(denied);
  EXPECT_EQ(field(*denied, "src_service"), "api");
  EXPECT_EQ(field(*denied, "reason"),
            "Matched L4 intention: default/api => default/db (Precedence: 9, Action: DENY)");

  const auto xml = read_file(junit.path());
  EXPECT_NE(xml.find("<testsuites name=\"gatehouse probe\" tests=\"6\" failures=\"0\">"),
            std::string::npos)
      << xml;
  // `time` is the pair's latency in seconds.
  EXPECT_TRUE(std::regex_search(
      xml, std::regex{"<testcase classname=\"gatehouse.probe.web\" name=\"web -&gt; db\" "
                      "time=\"[0-9]+\\.[0-9]{3}\">"}))
      << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
}

TEST_F(ProbeTest, MatrixForChosenPairs) {
  const auto r = probe({"-source", "web", "-source", "api", "-destination", "db"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Probe (mTLS to each destination's sidecar): 2 pairs, 0 mismatches\n\n"
                       "source \\ destination  db\n"
                       "api                   deny/deny\n"
                       "web                   allow/allow\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  web -> db  allow/allow  intention: web => db (allow)  observed: "
                       "connection still open"),
            std::string::npos)
      << r.out;
}

TEST_F(ProbeTest, PlantedMismatchFromExpectFile) {
  const TempFile policy{R"({"deny": [["web", "db"]], "allow": [["api", "db"]]})"};
  const TempFile junit{""};
  const auto r = probe(
      {"-destination", "db", "-expect", policy.path(), "-format", "json", "-junit", junit.path()});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["summary"], (json{{"pairs", 2}, {"mismatches", 2}}));
  const auto& web_db = pair(doc, "web", "db");
  EXPECT_EQ(web_db["policy"], "deny");
  EXPECT_EQ(web_db["observed"], "allow");
  EXPECT_EQ(web_db["mismatch"], true);
  EXPECT_EQ(web_db["mismatch_reason"], "-expect file expects deny, observed allow");
  const auto& api_db = pair(doc, "api", "db");
  EXPECT_EQ(api_db["mismatch_reason"], "-expect file expects allow, observed deny");

  const auto xml = read_file(junit.path());
  EXPECT_NE(xml.find("tests=\"2\" failures=\"2\""), std::string::npos) << xml;
  EXPECT_TRUE(std::regex_search(
      xml, std::regex{"name=\"web -&gt; db\" time=\"[0-9.]+\">\n      <failure type=\"mismatch\" "
                      "message=\"-expect file expects deny, observed allow\">"}))
      << xml;
}

TEST_F(ProbeTest, StoppedSidecarIsUnreachable) {
  const auto db_addr = sidecar_addr_["db"];
  ASSERT_EQ(sidecars_["db"]->terminate(), 0);
  const auto r = probe({"-source", "web", "-destination", "db", "-format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = json::parse(r.out);
  const auto& web_db = pair(doc, "web", "db");
  EXPECT_EQ(web_db["expected"], "allow");
  EXPECT_EQ(web_db["observed"], "unreachable");
  EXPECT_EQ(web_db["reason"], "connect " + db_addr + ": Connection refused");
  EXPECT_EQ(web_db["mismatch_reason"], "intentions expect allow, observed unreachable");
}

TEST_F(ProbeTest, ViaUpstreamDialsTheSourceSidecarsUpstreamListener) {
  // A silent local listener stands in for web's upstream listener for db: the probe must find
  // it in web's sidecar registration (Proxy.Upstreams) and connect there with a plain socket.
  ChildProcess listener{{GATEHOUSE_BINARY, "echo", "-listen", "127.0.0.1:0", "-http"}};
  const auto line = listener.wait_for_line("event=listening");
  ASSERT_TRUE(line) << listener.output();
  const auto upstream_addr = field(*line, "addr");
  register_service("web", json::array({{{"DestinationName", "db"},
                                        {"LocalBindAddress", "127.0.0.1"},
                                        {"LocalBindPort", port_of(upstream_addr)}}}));

  const auto r = probe({"-via-upstream", "-source", "web", "-destination", "db", "-destination",
                        "api", "-format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // web has no upstream for api
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["mode"], "via-upstream");
  const auto& web_db = pair(doc, "web", "db");
  EXPECT_EQ(web_db["target"], upstream_addr);
  EXPECT_EQ(web_db["observed"], "allow");
  EXPECT_EQ(web_db["mismatch"], false);
  EXPECT_TRUE(listener.wait_for_line("event=accept component=echo count=1"));
  const auto& web_api = pair(doc, "web", "api");
  EXPECT_EQ(web_api["observed"], "unreachable");
  EXPECT_EQ(web_api["reason"], "no sidecar of web has an upstream for api");
}

TEST_F(ProbeTest, HttpGetProvesAllowedPairsByTheirReply) {
  const TempFile junit{""};
  const auto r =
      probe({"-http-get", "/", "-expect-status", "200", "-format", "json", "-junit", junit.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["summary"], (json{{"pairs", 6}, {"mismatches", 0}}));

  const auto& web_db = pair(doc, "web", "db");
  EXPECT_EQ(web_db["observed"], "allow");
  EXPECT_EQ(web_db["reason"], "the app answered HTTP 200 through the mesh");
  EXPECT_EQ(web_db["status"], 200);
  EXPECT_EQ(web_db["reply"], "hello from db\n");
  EXPECT_TRUE(web_db["latency_ms"].is_number_unsigned());
  EXPECT_EQ(web_db["mismatch"], false);

  // Denials are still the sidecar's close before any reply.
  for (const auto& [src, dst] : {std::pair{"api", "db"}, std::pair{"db", "web"}}) {
    const auto& denied = pair(doc, src, dst);
    EXPECT_EQ(denied["observed"], "deny") << src << " -> " << dst;
    EXPECT_EQ(denied["reason"],
              "the sidecar closed the connection (close_notify) after the handshake with zero "
              "application bytes");
    EXPECT_TRUE(denied["reply"].is_null());
    EXPECT_TRUE(denied["status"].is_null());
  }
  // db's app answered the probe's GET: its request reached the app through the mesh.
  EXPECT_TRUE(apps_["db"]->wait_for_line("event=accept component=echo count=1"));

  const auto xml = read_file(junit.path());
  EXPECT_NE(xml.find("observed allow: the app answered HTTP 200 through the mesh, HTTP 200, reply "
                     "&quot;hello from db\\n&quot;, "),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
}

TEST_F(ProbeTest, SendProvesAllowedPairByAMatchingReply) {
  const auto r = probe({"-source", "web", "-destination", "db", "-send",
                        "GET / HTTP/1.0\\r\\n\\r\\n", "-expect-reply", "^HTTP/1\\.[01] 200"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  web -> db  allow/allow  intention: web => db (allow)  observed: the app "
                       "replied through the mesh, matching -expect-reply \"^HTTP/1\\.[01] 200\"  "
                       "reply: \"HTTP/1.0 200 OK\\r\\n"),
            std::string::npos)
      << r.out;
}

TEST_F(ProbeTest, WrongReplyIsUnexpectedReply) {
  const auto r = probe({"-source", "web", "-destination", "db", "-http-get", "/", "-expect-reply",
                        "from api", "-format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = json::parse(r.out);
  const auto& web_db = pair(doc, "web", "db");
  EXPECT_EQ(web_db["observed"], "unexpected-reply");
  EXPECT_EQ(web_db["reason"],
            "the app answered HTTP 200 with a body that does not match -expect-reply \"from api\"");
  EXPECT_EQ(web_db["reply"], "hello from db\n");
  EXPECT_EQ(web_db["mismatch_reason"], "intentions expect allow, observed unexpected-reply");
}

TEST_F(ProbeTest, SilentAppIsAllowedWithoutReply) {
  const SilentApp silent;
  ASSERT_NE(silent.address(), "");
  ASSERT_NO_FATAL_FAILURE(start_sidecar("quiet", silent.address()));
  put_intention("web", "quiet", "allow");
  const TempFile policy{R"({"allow": [["web", "quiet"]]})"};
  const auto r = probe({"-source", "web", "-destination", "quiet", "-http-get", "/", "-settle",
                        "500ms", "-expect", policy.path(), "-format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = json::parse(r.out);
  const auto& web_quiet = pair(doc, "web", "quiet");
  EXPECT_EQ(web_quiet["expected"], "allow");
  EXPECT_EQ(web_quiet["observed"], "no-reply");
  EXPECT_EQ(web_quiet["reason"],
            "allowed, no reply: the sidecar let the connection through (still open after the "
            "handshake) but the app "
            "did not answer within the 500ms settle window");
  EXPECT_TRUE(web_quiet["reply"].is_null());
  EXPECT_EQ(web_quiet["mismatch_reason"],
            "intentions expect allow, observed no-reply; -expect file expects allow, observed "
            "no-reply");
}

TEST(ProbeErrors, AgentDownIsExitTwo) {
  const auto r = run_command({GATEHOUSE_BINARY, "probe", "-http-addr", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("gatehouse probe: catalog services: ", 0), 0U) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(ProbeErrors, BadExpectFileIsExitTwo) {
  const TempFile policy{R"({"allow": [["web"]]})"};
  const auto r = run_command({GATEHOUSE_BINARY, "probe", "-expect", policy.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "gatehouse probe: -expect: " + policy.path() +
                       ": /allow/0: expected [source, destination] (two service names), got "
                       "[\"web\"] (array)\n");
}

TEST(ProbeErrors, BadRegexIsExitTwoNamingTheFlag) {
  const auto r =
      run_command({GATEHOUSE_BINARY, "probe", "-http-get", "/", "-expect-reply", "[unclosed"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err.rfind("gatehouse probe: -expect-reply: invalid regular expression \"[unclosed\"", 0),
      0U)
      << r.err;
}

TEST(ProbeErrors, BadFlagIsExitTwo) {
  const auto r = run_command({GATEHOUSE_BINARY, "probe", "-format", "yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "gatehouse probe: -format must be text or json, got \"yaml\"\n");
}

}  // namespace
}  // namespace gatehouse::testing
