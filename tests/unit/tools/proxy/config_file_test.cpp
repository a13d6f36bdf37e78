#include "tools/proxy/config_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tools/proxy/proxy_options.hpp"

namespace gatehouse::tools {
namespace {

using namespace std::chrono_literals;

std::string error_of(std::string_view text) {
  auto r = parse_config_file("web.json", text);
  EXPECT_FALSE(r) << "accepted: " << text;
  return r ? std::string{} : r.error();
}

TEST(ConfigFile, EveryScalarSettingBecomesItsFlag) {
  auto r = parse_config_file("web.json", R"({
    "service": "web", "service_addr": "127.0.0.1:8080", "listen": "0.0.0.0:21000",
    "proxy_id": "web-proxy", "sidecar_for": "web", "register": true, "register_id": "a1",
    "admin_addr": "127.0.0.1:0", "log_level": "DEBUG", "log_json": false, "workers": 4,
    "max_connections": 500, "max_handshakes": 64, "http_addr": "127.0.0.1:8500",
    "token_file": "/etc/web.token",
    "ca_file": "/etc/ca.pem", "ca_path": "/etc/ca.d", "client_cert": "/etc/c.pem",
    "client_key": "/etc/c.key", "tls_server_name": "consul", "datacenter": "dc2",
    "authz": "local", "authz_fail": "last-known", "authz_stale_max": "10m", "authz_verify": 0.5,
    "revoke": false,
    "timeouts": {"handshake": "5s", "local_connect": "250ms", "idle": "10m", "drain": "3s",
                 "tls_shutdown": "1s", "authorize": "1500ms"}
  })");
  ASSERT_TRUE(r) << r.error();
  const std::vector<FileSetting> expected{
      {"service", "web"},
      {"service-addr", "127.0.0.1:8080"},
      {"listen", "0.0.0.0:21000"},
      {"proxy-id", "web-proxy"},
      {"sidecar-for", "web"},
      {"register", "true"},
      {"register-id", "a1"},
      {"admin-addr", "127.0.0.1:0"},
      {"log-level", "debug"},
      {"log-json", "false"},
      {"workers", "4"},
      {"max-connections", "500"},
      {"max-handshakes", "64"},
      {"http-addr", "127.0.0.1:8500"},
      {"token-file", "/etc/web.token"},
      {"ca-file", "/etc/ca.pem"},
      {"ca-path", "/etc/ca.d"},
      {"client-cert", "/etc/c.pem"},
      {"client-key", "/etc/c.key"},
      {"tls-server-name", "consul"},
      {"datacenter", "dc2"},
      {"authz", "local"},
      {"authz-fail", "last-known"},
      {"authz-stale-max", "10m"},
      {"authz-verify", "0.500000"},
      {"revoke", "false"},
      {"handshake-timeout", "5s"},
      {"local-connect-timeout", "250ms"},
      {"idle-timeout", "10m"},
      {"drain-timeout", "3s"},
      {"tls-shutdown-timeout", "1s"},
      {"authz-timeout", "1500ms"},
  };
  // nlohmann orders object keys alphabetically; compare as a set of settings.
  std::map<std::string, std::string> got;
  for (const auto& s : r->settings) got[s.flag] = s.value;
  std::map<std::string, std::string> want;
  for (const auto& s : expected) want[s.flag] = s.value;
  EXPECT_EQ(got, want);
  EXPECT_EQ(r->settings.size(), expected.size());
  EXPECT_FALSE(r->upstreams.has_value());
}

TEST(ConfigFile, UpstreamsAreTypedWithConsulDefaults) {
  auto r = parse_config_file("web.json", R"({"upstreams": [
    {"destination_name": "db", "local_bind_port": 9191},
    {"destination_name": "cache", "destination_type": "service", "datacenter": "dc2",
     "destination_namespace": "ops", "destination_partition": "p1",
     "local_bind_address": "127.0.0.2", "local_bind_port": 0, "connect_timeout_ms": 5000}]})");
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->upstreams);
  ASSERT_EQ(r->upstreams->size(), 2U);
  proxy::UpstreamConfig db;
  db.destination_name = "db";
  db.bind = {"127.0.0.1", 9191};
  EXPECT_EQ(r->upstreams->at(0), db);
  const auto& cache = r->upstreams->at(1);
  EXPECT_EQ(cache.destination_name, "cache");
  EXPECT_EQ(cache.datacenter, "dc2");
  EXPECT_EQ(cache.destination_namespace, "ops");
  EXPECT_EQ(cache.destination_partition, "p1");
  EXPECT_EQ(cache.bind, (proxy::HostPort{"127.0.0.2", 0}));
  EXPECT_EQ(cache.connect_timeout, 5000ms);
  EXPECT_TRUE(r->settings.empty());
}

TEST(ConfigFile, EmptyUpstreamListIsPresent) {
  auto r = parse_config_file("web.json", R"({"upstreams": []})");
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->upstreams);
  EXPECT_TRUE(r->upstreams->empty());
}

TEST(ConfigFile, TypeErrorsNameFilePointerExpectationAndValue) {
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": "x"}]})"),
            R"(web.json: /upstreams/0/local_bind_port: expected an integer 0..65535, got "x")");
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": 70000}]})"),
            "web.json: /upstreams/0/local_bind_port: expected an integer 0..65535, got 70000");
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": -1}]})"),
            "web.json: /upstreams/0/local_bind_port: expected an integer 0..65535, got -1");
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": 80.5}]})"),
            "web.json: /upstreams/0/local_bind_port: expected an integer 0..65535, got 80.5");
  EXPECT_EQ(error_of(R"({"service": 7})"),
            "web.json: /service: expected a non-empty string, got 7");
  EXPECT_EQ(error_of(R"({"service": ""})"),
            R"(web.json: /service: expected a non-empty string, got "")");
  EXPECT_EQ(
      error_of(R"({"service_addr": "127.0.0.1"})"),
      R"(web.json: /service_addr: expected "host:port" with a host and a port 1..65535, got "127.0.0.1")");
  EXPECT_EQ(
      error_of(R"({"service_addr": ":8080"})"),
      R"(web.json: /service_addr: expected "host:port" with a host and a port 1..65535, got ":8080")");
  EXPECT_EQ(
      error_of(R"({"listen": "0.0.0.0:99999"})"),
      R"(web.json: /listen: expected "host:port" (port 0 picks a free port), got "0.0.0.0:99999")");
  EXPECT_EQ(error_of(R"({"admin_addr": ["a"]})"),
            R"(web.json: /admin_addr: expected "host:port" (port 0 picks a free port), got ["a"])");
  EXPECT_EQ(error_of(R"({"log_json": "yes"})"),
            R"(web.json: /log_json: expected true or false, got "yes")");
  EXPECT_EQ(error_of(R"({"register": 1})"), "web.json: /register: expected true or false, got 1");
  EXPECT_EQ(
      error_of(R"({"log_level": "loud"})"),
      R"(web.json: /log_level: expected one of "trace", "debug", "info", "warn", "error", got "loud")");
  EXPECT_EQ(error_of(R"({"workers": 2000})"),
            "web.json: /workers: expected an integer 0..1024, got 2000");
  EXPECT_EQ(error_of(R"({"max_connections": 0})"),
            "web.json: /max_connections: expected an integer 1..10000000, got 0");
  EXPECT_EQ(
      error_of(R"({"timeouts": {"handshake": "ten"}})"),
      R"(web.json: /timeouts/handshake: expected a positive duration such as "10s" or "500ms", got "ten")");
  EXPECT_EQ(
      error_of(R"({"timeouts": {"drain": "0s"}})"),
      R"(web.json: /timeouts/drain: expected a positive duration such as "10s" or "500ms", got "0s")");
  EXPECT_EQ(
      error_of(R"({"timeouts": {"idle": 5000}})"),
      R"(web.json: /timeouts/idle: expected a positive duration such as "10s" or "500ms", got 5000)");
  EXPECT_EQ(error_of(R"({"timeouts": "10s"})"),
            R"(web.json: /timeouts: expected a JSON object, got "10s")");
  EXPECT_EQ(error_of(R"({"http_addr": null})"),
            "web.json: /http_addr: expected a non-empty string, got null");
}

TEST(ConfigFile, UpstreamErrors) {
  EXPECT_EQ(error_of(R"({"upstreams": {"db": 9191}})"),
            R"(web.json: /upstreams: expected an array of upstream objects, got {"db":9191})");
  EXPECT_EQ(error_of(R"({"upstreams": ["db:9191"]})"),
            R"(web.json: /upstreams/0: expected a JSON object, got "db:9191")");
  EXPECT_EQ(error_of(R"({"upstreams": [{"local_bind_port": 9191}]})"),
            "web.json: /upstreams/0/destination_name: missing; expected a non-empty string");
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db"}]})"),
            "web.json: /upstreams/0/local_bind_port: missing; expected an integer 0..65535 (0 "
            "picks a free port)");
  EXPECT_EQ(
      error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": 1,
                                  "destination_type": "prepared_query"}]})"),
      R"(web.json: /upstreams/0/destination_type: expected "service" (prepared_query upstreams are not supported), got "prepared_query")");
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": 1,
                                        "connect_timeout_ms": 0}]})"),
            "web.json: /upstreams/0/connect_timeout_ms: expected an integer 1..3600000, got 0");
  EXPECT_EQ(error_of(R"({"upstreams": [{"destination_name": "db", "local_bind_port": 1},
                                       {"destination_name": "x", "local_bind_port": 2, "port": 3}]})"),
            "web.json: /upstreams/1/port: unknown setting; expected one of: destination_name, "
            "destination_type, destination_namespace, destination_partition, datacenter, "
            "local_bind_address, local_bind_port, connect_timeout_ms");
}

TEST(ConfigFile, UnknownKeysAreErrors) {
  EXPECT_EQ(error_of(R"({"timeouts": {"handshak": "1s"}})"),
            "web.json: /timeouts/handshak: unknown setting; expected one of: handshake, "
            "local_connect, idle, drain, tls_shutdown, authorize");
  const auto top = error_of(R"({"servic": "web"})");
  EXPECT_EQ(top.substr(0, top.find(';')), "web.json: /servic: unknown setting");
  EXPECT_NE(top.find("expected one of: service, service_addr, listen,"), std::string::npos) << top;
  // No raw token in a file: the key does not exist.
  EXPECT_EQ(error_of(R"({"token": "s3cr3t"})").substr(0, 38),
            "web.json: /token: unknown setting; exp");
  // Keys are escaped as JSON pointer tokens.
  EXPECT_EQ(error_of(R"({"a/b~c": 1})").substr(0, 35), "web.json: /a~1b~0c: unknown setting");
}

TEST(ConfigFile, TheDocumentMustBeAnObject) {
  EXPECT_EQ(error_of("[1, 2]"), "web.json: /: expected a JSON object, got [1,2]");
}

TEST(ConfigFile, NumberBeyondDoubleIsAnError) {
  EXPECT_EQ(error_of(R"({"workers": 1e400})"),
            "web.json: invalid JSON: number overflow parsing '1e400'");
}

TEST(ConfigFile, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"service\": \"web\",\n  oops\n}"),
            "web.json: line 3, column 3: invalid JSON: syntax error while parsing object key - "
            "invalid literal; last read: '\"web\",<U+000A>  o'; expected string literal");
  EXPECT_EQ(error_of(""),
            "web.json: line 1, column 1: invalid JSON: syntax error while parsing value - "
            "unexpected end of input; expected '[', '{', or a literal");
}

TEST(ConfigFile, LongValuesAreShortenedInErrors) {
  const std::string long_name(100, 'x');
  EXPECT_EQ(
      error_of(R"({"workers": ")" + long_name + R"("})"),
      "web.json: /workers: expected an integer 0..1024, got \"" + std::string(59, 'x') + "...");
}

TEST(ConfigFile, MissingFileIsNamed) {
  auto r = load_config_file("/nonexistent/web.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "/nonexistent/web.json: cannot read: No such file or directory");
}

// --- -config-file through the flag parser: the file fills what the command line leaves.

class ConfigFileFlags : public ::testing::Test {
 protected:
  ~ConfigFileFlags() override {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  std::string write(const std::string& text) {
    std::ofstream{path_} << text;
    return path_;
  }
  static boost::system::result<ProxyOptions, std::string> parse(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return parse_proxy_options(argv, [](std::string_view) { return std::nullopt; });
  }
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("gatehouse-config-test-" + std::to_string(::getpid()) + ".json"))
                          .string();
};

TEST_F(ConfigFileFlags, AuditFromTheFile) {
  auto o = parse({"-config-file", write(R"({"service": "web", "service_addr": "127.0.0.1:8080",
    "audit": true})")});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->config.audit);
}

TEST_F(ConfigFileFlags, TheFileAloneConfiguresTheProxy) {
  auto file = write(R"({"service": "web", "service_addr": "127.0.0.1:8080",
    "listen": "127.0.0.1:0", "log_level": "warn", "log_json": true, "workers": 2,
    "max_connections": 77, "max_handshakes": 9, "admin_addr": "127.0.0.1:0", "register": true,
    "register_id": "x",
    "http_addr": "127.0.0.1:9500", "datacenter": "dc7",
    "timeouts": {"handshake": "3s", "authorize": "700ms"},
    "upstreams": [{"destination_name": "db", "local_bind_port": 9191}]})");
  auto o = parse({"-config-file", file});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config.service, "web");
  EXPECT_EQ(o->config.local_app, (proxy::HostPort{"127.0.0.1", 8080}));
  EXPECT_EQ(o->config.listen, (proxy::HostPort{"127.0.0.1", 0}));
  EXPECT_TRUE(o->config.has_listener);
  EXPECT_EQ(o->config.log_level, "warn");
  EXPECT_TRUE(o->config.log_json);
  EXPECT_EQ(o->config.workers, 2U);
  EXPECT_EQ(o->config.max_connections, 77U);
  EXPECT_EQ(o->config.max_handshakes, 9U);
  ASSERT_TRUE(o->config.admin);
  EXPECT_EQ(*o->config.admin, (proxy::HostPort{"127.0.0.1", 0}));
  EXPECT_TRUE(o->config.register_self);
  EXPECT_EQ(o->config.register_id, "x");
  EXPECT_EQ(o->config.timeouts.handshake, 3s);
  EXPECT_EQ(o->config.timeouts.authorize, 700ms);
  EXPECT_EQ(o->config.timeouts.drain, 15s);  // default kept
  ASSERT_EQ(o->config.upstreams.size(), 1U);
  EXPECT_EQ(o->config.upstreams[0].destination_name, "db");
  EXPECT_EQ(o->agent.address.host_port, "127.0.0.1:9500");
  EXPECT_EQ(o->agent.datacenter, "dc7");
  EXPECT_FALSE(o->check_config);
}

TEST_F(ConfigFileFlags, CommandLineFlagsOverrideTheFile) {
  auto file = write(R"({"service": "web", "service_addr": "127.0.0.1:8080",
    "listen": "127.0.0.1:21000", "log_level": "warn", "workers": 2,
    "timeouts": {"handshake": "3s", "drain": "4s"}, "http_addr": "127.0.0.1:9500"})");
  // Before and after -config-file: the command line wins either way.
  auto o = parse({"-listen", "127.0.0.1:0", "-config-file", file, "-handshake-timeout", "1s",
                  "-workers", "5", "-http-addr", "127.0.0.1:9600"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config.service, "web");
  EXPECT_EQ(o->config.listen, (proxy::HostPort{"127.0.0.1", 0}));
  EXPECT_EQ(o->config.timeouts.handshake, 1s);
  EXPECT_EQ(o->config.timeouts.drain, 4s);
  EXPECT_EQ(o->config.workers, 5U);
  EXPECT_EQ(o->config.log_level, "warn");
  EXPECT_EQ(o->agent.address.host_port, "127.0.0.1:9600");
}

TEST_F(ConfigFileFlags, FileErrorsAndConsulRulesStillApply) {
  auto bad = write(R"({"service": "web", "listen": 21000})");
  auto o = parse({"-config-file", bad});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error(),
            path_ + R"(: /listen: expected "host:port" (port 0 picks a free port), got 21000)");

  write(R"({"service": "web", "listen": "127.0.0.1:0"})");
  o = parse({"-config-file", path_});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error(),
            "-service-addr must be specified with -listen so the proxy knows the backend "
            "service address.");
  o = parse({"-config-file", "/nonexistent/web.json"});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error(), "/nonexistent/web.json: cannot read: No such file or directory");
}

TEST_F(ConfigFileFlags, CheckConfigIsAFlag) {
  auto file = write(R"({"service": "web", "service_addr": "127.0.0.1:8080", "listen": ":0"})");
  auto o = parse({"-config-file", file, "-check-config"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->check_config);
}

}  // namespace
}  // namespace gatehouse::tools
