#pragma once
// A dev agent, an echo app and `gatehouse proxy -service db` in front of it, all real processes
// on loopback ports chosen at run time; plus TLS client contexts built from the agent's leaves.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tests/integration/proxy/tls_client.hpp"
#include "tls/tls_context.hpp"

namespace gatehouse::testing {

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxHolder = std::unique_ptr<SSL_CTX, SslCtxFree>;

class ProxyTest : public ::testing::Test {
 protected:
  ProxyTest();

  // Starts the proxy and waits for its public listener line.
  // `listening` finds the listener line (the JSON form differs); its addr gives the port.
  void start_proxy(const std::vector<std::string>& extra_flags = {},
                   const std::string& listening = "event=listening listener=public");
  // Starts `gatehouse proxy <args>` exactly as given (no default flags) and waits as above.
  void start_proxy_args(const std::vector<std::string>& args,
                        const std::string& listening = "event=listening listener=public");
  // The proxy's first line containing `needle` (waits up to 20 s).
  std::string proxy_line(const std::string& needle);
  // The summary line of connection number `id` (1, 2, ... in accept order).
  std::string conn_line(int id);
  // The echo app's accept line for its n-th connection.
  bool echo_accepted(int n);

  // A client context presenting the agent's leaf for `service`, trusting the agent's roots.
  std::shared_ptr<const tls::TlsContext> client_context(const std::string& service);
  // The same from the agent at `base_url` ("http://127.0.0.1:PORT"); `role` server for a
  // test's own stand-in of a service instance.
  static std::shared_ptr<const tls::TlsContext> client_context_from(
      const std::string& base_url, const std::string& service,
      tls::Role role = tls::Role::client);
  static nlohmann::json get_json(const std::string& url);
  SSL_CTX* native(const std::shared_ptr<const tls::TlsContext>& ctx) {
    return ctx->ssl_context().native_handle();
  }
  void put_intention(const std::string& src, const std::string& dst, const std::string& action);
  // Rotates the agent's CA to a new EC key (PUT /v1/connect/ca/configuration).
  void rotate_ca();

  DevAgentProcess agent_;
  std::unique_ptr<ChildProcess> echo_;
  std::string echo_addr_;
  std::unique_ptr<ChildProcess> proxy_;
  std::uint16_t proxy_port_ = 0;
};

}  // namespace gatehouse::testing
