#include "tools/proxy/proxy_options.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace gatehouse::tools {
namespace {

using namespace std::chrono_literals;

consul::EnvGetter env_of(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string{name});
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

boost::system::result<ProxyOptions, std::string> parse(std::vector<std::string> args,
                                                       const consul::EnvGetter& env = env_of()) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_proxy_options(argv, env);
}

TEST(ProxyOptions, ConsulStyleFlagsFillTheConfig) {
  auto o = parse({"-service", "db", "-service-addr", "127.0.0.1:8080", "-listen=127.0.0.1:0",
                  "-log-level", "DEBUG", "-log-json", "-workers", "3", "-drain-timeout", "2s",
                  "-handshake-timeout", "500ms", "-http-addr", "127.0.0.1:9500"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config.service, "db");
  EXPECT_EQ(o->config.listen, (proxy::HostPort{"127.0.0.1", 0}));
  EXPECT_EQ(o->config.local_app, (proxy::HostPort{"127.0.0.1", 8080}));
  EXPECT_TRUE(o->config.has_listener);
  EXPECT_EQ(o->config.log_level, "debug");
  EXPECT_TRUE(o->config.log_json);
  EXPECT_EQ(o->config.workers, 3U);
  EXPECT_EQ(o->config.timeouts.drain, 2s);
  EXPECT_EQ(o->config.timeouts.handshake, 500ms);
  EXPECT_EQ(o->config.timeouts.local_connect, 1000ms);  // Consul's default
  EXPECT_EQ(o->agent.address.host_port, "127.0.0.1:9500");
}

TEST(ProxyOptions, EmptyListenHostMeansAllInterfaces) {
  auto o = parse({"-service", "db", "-service-addr", "localhost:8080", "-listen", ":8443"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config.listen, (proxy::HostPort{"0.0.0.0", 8443}));
}

TEST(ProxyOptions, ConsulMessages) {
  auto no_service = parse({"-listen", ":8443"});
  ASSERT_FALSE(no_service);
  EXPECT_EQ(no_service.error(),
            "-service or -proxy-id must be specified so that proxy can configure itself.");
  auto no_addr = parse({"-service", "db", "-listen", ":8443"});
  ASSERT_FALSE(no_addr);
  EXPECT_EQ(no_addr.error(),
            "-service-addr must be specified with -listen so the proxy knows the backend "
            "service address.");
  auto positional = parse({"-service", "db", "extra"});
  ASSERT_FALSE(positional);
  EXPECT_EQ(positional.error(), "Should have no non-flag arguments.");
}

TEST(ProxyOptions, BadValuesAreNamed) {
  auto listen = parse({"-service", "db", "-service-addr", "127.0.0.1:1", "-listen", "8443"});
  ASSERT_FALSE(listen);
  EXPECT_EQ(listen.error(), "address 8443: missing port in address");
  auto timeout = parse(
      {"-service", "db", "-service-addr", "127.0.0.1:1", "-listen", ":1", "-idle-timeout", "soon"});
  ASSERT_FALSE(timeout);
  EXPECT_EQ(timeout.error(),
            "-idle-timeout: expected a positive duration such as 10s or 500ms, got \"soon\"");
  auto sidecar = parse({"-sidecar-for", "web"});
  ASSERT_FALSE(sidecar);
  EXPECT_NE(sidecar.error().find("not supported yet"), std::string::npos);
}

TEST(ParseHostPort, GoSplitHostPortForms) {
  EXPECT_EQ(*parse_host_port("[::1]:80"), (proxy::HostPort{"::1", 80}));
  EXPECT_EQ(*parse_host_port("127.0.0.1:0"), (proxy::HostPort{"127.0.0.1", 0}));
  EXPECT_EQ(parse_host_port("a:b:1").error(), "address a:b:1: too many colons in address");
  EXPECT_EQ(parse_host_port("h:70000").error(), "address h:70000: invalid port \"70000\"");
}

}  // namespace
}  // namespace gatehouse::tools
