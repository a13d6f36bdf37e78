// AgentConfig: CONSUL_HTTP_ADDR forms, token precedence, TLS settings, flag syntax.
#include "consul/agent_config.hpp"

#include <gtest/gtest.h>

#include <boost/program_options/parsers.hpp>
#include <boost/program_options/variables_map.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

namespace gatehouse::consul {
namespace {

namespace po = boost::program_options;

EnvGetter env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string{name});
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

po::variables_map parse_flags(std::vector<std::string> args) {
  po::options_description options;
  add_agent_flags(options);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).style(agent_flag_style()).run(), vm);
  po::notify(vm);
  return vm;
}

boost::system::result<AgentConfig, std::string> config_of(std::vector<std::string> args,
                                                          std::map<std::string, std::string> env) {
  return AgentConfig::from(parse_flags(std::move(args)), env_of(std::move(env)));
}

// A temporary file removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    path_ = std::filesystem::temp_directory_path() /
            ("gatehouse-token-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::ofstream{path_} << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(AgentAddress, DefaultIsLocalAgent) {
  const auto c = config_of({}, {});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->address.base_url(), "http://127.0.0.1:8500");
  EXPECT_EQ(c->token, "");
  EXPECT_EQ(c->datacenter, "");
  EXPECT_TRUE(c->tls.verify);
}

TEST(AgentAddress, HostPort) {
  const auto a = parse_agent_address("10.0.0.5:8500", false);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->host_port, "10.0.0.5:8500");
  EXPECT_EQ(a->path_prefix, "");
  EXPECT_EQ(a->base_url(), "http://10.0.0.5:8500");
}

TEST(AgentAddress, HttpsSchemeAndPrefix) {
  const auto a = parse_agent_address("https://consul.example.com:8501/consul/", false);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->scheme, "https");
  EXPECT_EQ(a->host_port, "consul.example.com:8501");
  EXPECT_EQ(a->path_prefix, "/consul");
  EXPECT_EQ(a->base_url(), "https://consul.example.com:8501/consul");
}

TEST(AgentAddress, HttpSchemeWithPrefix) {
  const auto a = parse_agent_address("http://127.0.0.1:8500/a/b", false);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->path_prefix, "/a/b");
}

TEST(AgentAddress, HttpsRequestedUpgradesPlainAndHttp) {
  const auto plain = parse_agent_address("127.0.0.1:8501", true);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->base_url(), "https://127.0.0.1:8501");
  const auto http = parse_agent_address("http://127.0.0.1:8501", true);
  ASSERT_TRUE(http);
  EXPECT_EQ(http->scheme, "https");  // never reverts to http when TLS was requested
}

TEST(AgentAddress, UnixSocket) {
  const auto a = parse_agent_address("unix:///var/run/consul.sock", false);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->unix_socket_path, "/var/run/consul.sock");
  EXPECT_EQ(a->base_url(), "http://localhost");
}

TEST(AgentAddress, Errors) {
  EXPECT_EQ(parse_agent_address("ftp://host:21", false).error(), "Unknown protocol scheme: ftp");
  EXPECT_EQ(parse_agent_address("unix://", false).error(), "unix:// address needs a socket path");
  EXPECT_EQ(parse_agent_address("", false).error(), "missing host in address \"\"");
  EXPECT_EQ(parse_agent_address("http:///x", false).error(),
            "missing host in address \"http:///x\"");
  EXPECT_EQ(parse_agent_address("a b:80", false).error(), "invalid host in address \"a b:80\"");
}

TEST(AgentConfig, FlagOverridesEnvAddress) {
  const auto c =
      config_of({"-http-addr", "127.0.0.1:9000"}, {{"CONSUL_HTTP_ADDR", "10.1.1.1:8500"}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->address.base_url(), "http://127.0.0.1:9000");
  const auto env_only = config_of({}, {{"CONSUL_HTTP_ADDR", "https://10.1.1.1:8501"}});
  ASSERT_TRUE(env_only) << env_only.error();
  EXPECT_EQ(env_only->address.base_url(), "https://10.1.1.1:8501");
}

TEST(AgentConfig, SingleDashFlagsWithEqualsOrSpace) {
  const auto c = config_of({"-http-addr=127.0.0.1:9001", "-datacenter", "dc2", "-token=abc"}, {});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->address.host_port, "127.0.0.1:9001");
  EXPECT_EQ(c->datacenter, "dc2");
  EXPECT_EQ(c->token, "abc");
}

TEST(AgentConfig, BadAddressNamesItsSource) {
  EXPECT_EQ(config_of({"-http-addr", "gopher://x"}, {}).error(),
            "-http-addr: Unknown protocol scheme: gopher");
  EXPECT_EQ(config_of({}, {{"CONSUL_HTTP_ADDR", "gopher://x"}}).error(),
            "CONSUL_HTTP_ADDR: Unknown protocol scheme: gopher");
}

TEST(AgentConfig, HttpSslEnv) {
  const auto c = config_of({}, {{"CONSUL_HTTP_SSL", "true"}, {"CONSUL_HTTP_ADDR", "h:8501"}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->address.base_url(), "https://h:8501");
  EXPECT_EQ(config_of({}, {{"CONSUL_HTTP_SSL", "yes"}}).error(),
            "CONSUL_HTTP_SSL: expected a boolean (true/false/1/0), got \"yes\"");
}

TEST(AgentConfig, TokenPrecedence) {
  TempFile flag_file{"  from-flag-file\n"};
  TempFile env_file{"from-env-file\n"};
  const std::map<std::string, std::string> env{{"CONSUL_HTTP_TOKEN", "from-env"},
                                               {"CONSUL_HTTP_TOKEN_FILE", env_file.path()}};
  EXPECT_EQ(config_of({"-token-file", flag_file.path(), "-token", "from-flag"}, env)->token,
            "from-flag-file");
  EXPECT_EQ(config_of({"-token", "from-flag"}, env)->token, "from-flag");
  EXPECT_EQ(config_of({}, env)->token, "from-env-file");
  EXPECT_EQ(config_of({}, {{"CONSUL_HTTP_TOKEN", "from-env"}})->token, "from-env");
}

TEST(AgentConfig, EmptyTokenFileFallsThrough) {
  TempFile empty{" \n"};
  EXPECT_EQ(config_of({"-token-file", empty.path(), "-token", "t"}, {})->token, "t");
}

TEST(AgentConfig, UnreadableTokenFileIsAnError) {
  const auto c = config_of({"-token-file", "/nonexistent/token"}, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), "Error loading token file /nonexistent/token (-token-file): cannot read");
}

TEST(AgentConfig, TlsFromEnv) {
  const auto c = config_of({}, {{"CONSUL_CACERT", "/ca.pem"},
                                {"CONSUL_CAPATH", "/cas"},
                                {"CONSUL_CLIENT_CERT", "/c.pem"},
                                {"CONSUL_CLIENT_KEY", "/k.pem"},
                                {"CONSUL_TLS_SERVER_NAME", "server.dc1.consul"},
                                {"CONSUL_HTTP_SSL_VERIFY", "false"}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->tls.ca_file, "/ca.pem");
  EXPECT_EQ(c->tls.ca_path, "/cas");
  EXPECT_EQ(c->tls.client_cert, "/c.pem");
  EXPECT_EQ(c->tls.client_key, "/k.pem");
  EXPECT_EQ(c->tls.server_name, "server.dc1.consul");
  EXPECT_FALSE(c->tls.verify);
}

TEST(AgentConfig, TlsFlagsOverrideEnv) {
  const auto c = config_of({"-ca-file", "/flag-ca.pem", "-tls-server-name", "flag.name"},
                           {{"CONSUL_CACERT", "/env-ca.pem"}, {"CONSUL_TLS_SERVER_NAME", "env"}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->tls.ca_file, "/flag-ca.pem");
  EXPECT_EQ(c->tls.server_name, "flag.name");
}

TEST(AgentConfig, ClientCertNeedsKey) {
  EXPECT_EQ(config_of({"-client-cert", "/c.pem"}, {}).error(),
            "-client-cert and -client-key must be given together");
}

TEST(AgentConfig, GoBoolForms) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"})
    EXPECT_EQ(parse_go_bool(t), true) << t;
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"})
    EXPECT_EQ(parse_go_bool(f), false) << f;
  EXPECT_EQ(parse_go_bool("yes"), std::nullopt);
  EXPECT_EQ(parse_go_bool("tRUE"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::consul
