#pragma once
// The inbound pipeline in-process, shared by inbound_connection_test and revocation_test: a CA we
// control, db's server context, the real listener and a one-worker pool, and an app of the
// fixture's own (serve_app) on the control context, where the test's client runs too.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "proxy/inbound_listener.hpp"
#include "proxy/runtime.hpp"
#include "proxy/worker_pool.hpp"
#include "tests/unit/proxy/captured_log.hpp"
#include "tls/tls_context.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::proxy::testing {

class InboundFixture : public ::testing::Test {
 protected:
  using Clock = std::chrono::system_clock;
  static constexpr const char* kCluster = "11111111-2222-3333-4444-555555555555";

  void SetUp() override {
    tools::CaOptions o;
    o.cluster_id = kCluster;
    auto ca = tools::CertificateAuthority::create(o, Clock::now());
    ASSERT_TRUE(ca) << ca.error();
    ca_.emplace(std::move(*ca));
    trust_ = tls::TrustMaterial{{ca_->root_cert_pem()}, ca_->trust_domain()};
    auto db = leaf(tls::SpiffeId::for_service(ca_->trust_domain(), "dc1", "db"));
    auto server = tls::TlsContext::build(tls::Role::server, db, trust_);
    ASSERT_TRUE(server) << server.error();
    runtime_->server_tls.publish(*server);
    runtime_->config.service = "db";
    runtime_->config.timeouts.tls_shutdown = std::chrono::seconds{2};
    runtime_->local_app = app_acceptor_.local_endpoint();
  }

  tls::LeafMaterial leaf(const tls::SpiffeId& id, Clock::time_point now = Clock::now(),
                         std::chrono::seconds ttl = std::chrono::hours{72}) {
    auto issued = ca_->issue_leaf(id, ttl, now, ++serial_);
    EXPECT_TRUE(issued) << issued.error();
    return {issued->cert_pem, issued->private_key_pem};
  }

  // Starts pool + listener, runs `client` on the control context until every connection has
  // ended (its summary line is written by then).
  void run(const std::shared_ptr<Authorizer>& authorizer,
           std::function<net::awaitable<void>(tcp::endpoint)> client) {
    WorkerPool pool{1, [&](net::any_io_executor) { return authorizer; }};
    pool.start();
    auto listener = InboundListener::bind(control_.get_executor(), HostPort{"127.0.0.1", 0});
    ASSERT_TRUE(listener) << listener.error();
    (*listener)->start(runtime_, pool);
    net::steady_timer all_closed{control_, net::steady_timer::time_point::max()};
    runtime_->registry.on_empty([&] { net::post(control_, [&] { all_closed.cancel(); }); });
    net::co_spawn(control_, serve_app(), [](const std::exception_ptr&) {});
    net::co_spawn(
        control_,
        [&, ep = (*listener)->local_endpoint()]() -> net::awaitable<void> {
          co_await client(ep);
          if (runtime_->registry.size() > 0) co_await all_closed.async_wait(tok);
          // Closing both acceptors ends their loops; run_for returns once nothing is left.
          (*listener)->stop();
          app_acceptor_.close();
        },
        [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
    control_.run_for(std::chrono::seconds{30});
    runtime_->registry.on_empty({});
    pool.stop_and_join();
  }

  // The app behind the sidecar: accepts on app_acceptor_ until it is closed.
  virtual net::awaitable<void> serve_app() = 0;

  CapturedLog log_;
  net::io_context control_{1};
  std::optional<tools::CertificateAuthority> ca_;
  tls::TrustMaterial trust_;
  std::uint64_t serial_ = 100;
  std::shared_ptr<Runtime> runtime_ = std::make_shared<Runtime>();
  tcp::acceptor app_acceptor_{control_, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}};
  int app_accepts_ = 0;
};

}  // namespace gatehouse::proxy::testing
