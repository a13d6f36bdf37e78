// `gatehouse proxy -config-file` and `-check-config` with the real binary: a proxy configured
// only by a file serves, and every kind of configuration error exits 1 with its exact message.
#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

// `gatehouse proxy <args>` to completion.
CommandResult proxy_command(const std::vector<std::string>& args) {
  std::vector<std::string> argv{GATEHOUSE_BINARY, "proxy"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

TEST_F(ProxyTest, AProxyConfiguredOnlyByAFileServes) {
  const TempFile config{json{{"service", "db"},
                             {"service_addr", echo_addr_},
                             {"listen", "127.0.0.1:0"},
                             {"http_addr", agent_.base_url()},
                             {"workers", 1},
                             {"log_json", true},
                             {"timeouts", {{"handshake", "5s"}, {"drain", "2s"}}}}
                            .dump(2)};
  start_proxy_args({"-config-file", config.path()}, R"("listener":"public")");
  const auto web = client_context("web");
  TlsClient client{native(web), proxy_port_};
  ASSERT_TRUE(client.handshake()) << client.error();
  ASSERT_TRUE(client.write("file\n"));
  EXPECT_EQ(client.read_exactly(5), "file\n");
  client.send_close_notify();
  EXPECT_EQ(client.read_to_end(), "bye\n");
  // log_json from the file: the summary is a JSON line.
  const auto line = proxy_line(R"("event":"conn")");
  const auto conn = json::parse(line);
  EXPECT_EQ(conn["outcome"], "accepted");
  EXPECT_EQ(conn["src_service"], "web");
  EXPECT_EQ(conn["dst_service"], "db");
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(ProxyTest, CommandLineFlagsOverrideTheFile) {
  // The file points at a dead agent and a privileged port; the flags replace both.
  const TempFile config{json{
      {"service", "db"},
      {"service_addr", echo_addr_},
      {"listen", "127.0.0.1:1"},
      {"http_addr",
       "127.0.0.1:1"}}.dump()};
  start_proxy_args(
      {"-config-file", config.path(), "-listen", "127.0.0.1:0", "-http-addr", agent_.base_url()});
  EXPECT_NE(proxy_port_, 1);
  const auto web = client_context("web");
  TlsClient client{native(web), proxy_port_};
  ASSERT_TRUE(client.handshake()) << client.error();
  ASSERT_TRUE(client.write("ok"));
  EXPECT_EQ(client.read_exactly(2), "ok");
}

struct ErrorCase {
  std::string name;
  std::string contents;
  std::string message_after_path;  // stderr is "gatehouse proxy: <path><this>\n"
};

TEST_F(ProxyTest, EveryKindOfConfigErrorExitsOneWithItsMessage) {
  const std::vector<ErrorCase> cases{
      {"type",
       R"({"service": "db", "upstreams": [{"destination_name": "x", "local_bind_port": "x"}]})",
       R"(: /upstreams/0/local_bind_port: expected an integer 0..65535, got "x")"},
      {"range", R"({"service": "db", "workers": -2})",
       ": /workers: expected an integer 0..1024, got -2"},
      {"unknown key", R"({"service": "db", "timeouts": {"handshake_ms": 10}})",
       ": /timeouts/handshake_ms: unknown setting; expected one of: handshake, local_connect, "
       "idle, drain, tls_shutdown, authorize"},
      {"syntax", "{\n  \"service\": \"db\"\n  \"listen\": \":0\"\n}",
       ": line 3, column 10: invalid JSON: syntax error while parsing object - unexpected string "
       "literal; expected '}'"},
      {"duration", R"({"timeouts": {"drain": "soon"}})",
       R"(: /timeouts/drain: expected a positive duration such as "10s" or "500ms", got "soon")"},
      {"address", R"({"service_addr": "localhost"})",
       R"(: /service_addr: expected "host:port" with a host and a port 1..65535, got "localhost")"},
  };
  for (const auto& c : cases) {
    const TempFile config{c.contents};
    const auto r = proxy_command({"-config-file", config.path(), "-http-addr", "127.0.0.1:1"});
    EXPECT_EQ(r.exit_code, 1) << c.name;
    EXPECT_EQ(r.err, "gatehouse proxy: " + config.path() + c.message_after_path + "\n") << c.name;
    EXPECT_EQ(r.out, "") << c.name;
  }
  const auto missing = proxy_command({"-config-file", "/nonexistent/db.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err,
            "gatehouse proxy: /nonexistent/db.json: cannot read: No such file or directory\n");
  // A valid file whose settings break a rule of the flags gets the flag's (Consul's) message.
  const TempFile incomplete{R"({"service": "db", "listen": "127.0.0.1:0"})"};
  const auto rule = proxy_command({"-config-file", incomplete.path()});
  EXPECT_EQ(rule.exit_code, 1);
  EXPECT_EQ(rule.err,
            "gatehouse proxy: -service-addr must be specified with -listen so the proxy knows "
            "the backend service address.\n");
}

TEST_F(ProxyTest, CheckConfigValidatesWithoutContactingTheAgent) {
  // Port 1 on loopback: nothing listens, so contacting the agent would fail or hang.
  const TempFile good{json{
      {"service", "db"},
      {"service_addr", "127.0.0.1:5432"},
      {"listen", "0.0.0.0:21000"},
      {"http_addr", "127.0.0.1:1"},
      {"admin_addr", "127.0.0.1:19000"},
      {"register", true}}.dump()};
  const auto ok = proxy_command({"-config-file", good.path(), "-check-config"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "Configuration is valid.\n");
  EXPECT_EQ(ok.err, "");

  // Flags alone, and flags that break the file's valid settings.
  const auto flags_only = proxy_command(
      {"-service", "db", "-service-addr", "127.0.0.1:5432", "-listen", ":21000", "-check-config"});
  EXPECT_EQ(flags_only.exit_code, 0) << flags_only.err;
  EXPECT_EQ(flags_only.out, "Configuration is valid.\n");
  const auto bad_flag =
      proxy_command({"-config-file", good.path(), "-drain-timeout", "-1s", "-check-config"});
  EXPECT_EQ(bad_flag.exit_code, 1);
  EXPECT_EQ(bad_flag.out, "");
  EXPECT_EQ(bad_flag.err,
            "gatehouse proxy: -drain-timeout: expected a positive duration such as 10s or 500ms, "
            "got \"-1s\"\n");
  const TempFile bad{R"({"service": "db", "log_level": "chatty"})"};
  const auto invalid = proxy_command({"-config-file", bad.path(), "-check-config"});
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_EQ(invalid.out, "");
  EXPECT_EQ(
      invalid.err,
      "gatehouse proxy: " + bad.path() +
          R"(: /log_level: expected one of "trace", "debug", "info", "warn", "error", got "chatty")"
          "\n");
}

TEST(ProxyConfigExample, TheShippedExampleIsValid) {
  const auto r =
      run_command({GATEHOUSE_BINARY, "proxy", "-config-file",
                   std::string{GATEHOUSE_SOURCE_DIR} + "/configs/proxy-web.json", "-check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Configuration is valid.\n");
}

}  // namespace
}  // namespace gatehouse::testing
