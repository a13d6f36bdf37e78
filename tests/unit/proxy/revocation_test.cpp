// Live revocation and -audit in-process: the real listener and worker pool (the connection runs on
// a worker thread), a scripted authorizer, an echo app and TLS clients on the test's own thread,
// which also runs the Revoker as the intention watch would.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <regex>
#include <sstream>

#include "consul/caller_service.hpp"
#include "proxy/inbound_connection.hpp"
#include "proxy/revoker.hpp"
#include "proxy/tls_material.hpp"
#include "tests/unit/proxy/inbound_fixture.hpp"
#include "tests/unit/proxy/loopback.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
using namespace net::experimental::awaitable_operators;
using TlsClient = net::ssl::stream<tcp::socket>;

constexpr const char* kAllowReason =
    "Matched L4 intention: web => db (ID: a1, Precedence: 9, Action: ALLOW)";
constexpr const char* kDenyReason =
    "Matched L4 intention: web => db (ID: b2, Precedence: 9, Action: DENY)";

class FixedAuthorizer final : public Authorizer {
 public:
  explicit FixedAuthorizer(Verdict v) : verdict_(std::move(v)) {}
  net::awaitable<Verdict> check(const tls::PeerIdentity&, const std::string&) override {
    co_return verdict_;
  }

 private:
  Verdict verdict_;
};

Verdict allow() { return Verdict{true, kAllowReason, DecisionSource::agent, "web => db"}; }
Verdict deny() { return Verdict{false, kDenyReason, DecisionSource::local, "web => db"}; }

// The summary line of the (only) connection, or "" when there is none or more than one.
std::string conn_line(const std::string& log) {
  std::string found;
  std::size_t lines = 0;
  std::istringstream in{log};
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("event=conn ")) {
      found = line;
      ++lines;
    }
  }
  return lines == 1 ? found : std::string{};
}

std::uint64_t field(const std::string& line, const std::string& key) {
  std::smatch m;
  const std::regex re{" " + key + "=([0-9]+)"};
  if (!std::regex_search(line, m, re)) return 0;
  return std::stoull(m[1].str());
}

class RevocationTest : public testing::InboundFixture {
 protected:
  void SetUp() override {
    InboundFixture::SetUp();
    web_ = tls::SpiffeId::for_service(ca_->trust_domain(), "dc1", "web");
  }

  using InboundFixture::run;
  void run(Verdict verdict, std::function<net::awaitable<void>(tcp::endpoint)> client) {
    run(std::make_shared<FixedAuthorizer>(std::move(verdict)), std::move(client));
  }

  // Echoes every connection; records how each one ended on the app's side.
  net::awaitable<void> serve_app() override {
    for (;;) {
      auto [ec, s] = co_await app_acceptor_.async_accept(tok);
      if (ec) co_return;
      ++app_accepts_;
      net::co_spawn(control_, echo(std::move(s)), net::detached);
    }
  }
  net::awaitable<void> echo(tcp::socket s) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      auto [rec, n] = co_await s.async_read_some(net::buffer(buf), tok);
      if (n > 0) {
        auto [wec, w] = co_await net::async_write(s, net::buffer(buf.data(), n), tok);
        if (wec) {
          app_ends_.push_back(wec);
          co_return;
        }
      }
      if (rec) {
        app_ends_.push_back(rec);
        co_return;
      }
    }
  }

  // A TLS client presenting web's certificate, connected and handshaken.
  net::awaitable<std::unique_ptr<TlsClient>> connect(tcp::endpoint ep) {
    auto ctx = tls::TlsContext::build(tls::Role::client, leaf(web_), trust_);
    EXPECT_TRUE(ctx) << ctx.error();
    client_ctx_ = *ctx;
    auto s =
        std::make_unique<TlsClient>(co_await net::this_coro::executor, client_ctx_->ssl_context());
    auto [cec] = co_await s->next_layer().async_connect(ep, tok);
    EXPECT_FALSE(cec) << cec.message();
    auto [hec] = co_await s->async_handshake(net::ssl::stream_base::client, tok);
    EXPECT_FALSE(hec) << hec.message();
    co_return s;
  }

  // Writes `text` and reads the echo.
  static net::awaitable<std::string> round_trip(TlsClient& s, std::string text) {
    co_await net::async_write(s, net::buffer(text), tok);
    std::string got(text.size(), '\0');
    auto [ec, n] = co_await net::async_read(s, net::buffer(got), tok);
    got.resize(n);
    co_return got;
  }

  // What the client reads after the echo: nothing, then how the stream ended.
  static net::awaitable<std::pair<error_code, std::size_t>> read_to_end(TlsClient& s) {
    std::array<char, 256> buf{};
    std::size_t total = 0;
    for (;;) {
      auto [ec, n] = co_await s.async_read_some(net::buffer(buf), tok);
      total += n;
      if (ec) co_return std::pair{ec, total};
    }
  }

  Revoker revoker(Verdict now) {
    return Revoker{runtime_, [now = std::move(now)](const OpenInbound&) { return now; }};
  }

  std::shared_ptr<const tls::TlsContext> client_ctx_;
  tls::SpiffeId web_{tls::SigningIdentity{}};
  std::vector<error_code> app_ends_;
};

TEST_F(RevocationTest, OpenInboundListsTheRelayingCallerForReDeciding) {
  std::vector<OpenInbound> open;
  std::string echoed;
  run(allow(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    echoed = co_await round_trip(*s, "hello");
    open = runtime_->registry.open_inbound();
    co_await s->async_shutdown(tok);
  });
  EXPECT_EQ(echoed, "hello");
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].peer.id, web_);
  EXPECT_FALSE(open[0].peer.serial_hex.empty());
  EXPECT_EQ(open[0].source, consul::caller_service(*web_.service()));
  EXPECT_EQ(open[0].source.name, "web");
  EXPECT_EQ(open[0].source.ns, "default");
  EXPECT_EQ(open[0].source.partition, "");  // Consul spells the default partition as empty
  EXPECT_EQ(open[0].intention, "web => db");
  EXPECT_FALSE(open[0].audit_denied);
  // Closed: nothing is listed and nothing can be revoked.
  EXPECT_TRUE(runtime_->registry.open_inbound().empty());
  EXPECT_FALSE(runtime_->registry.revoke(open[0].conn_id, Revocation{kDenyReason, "web => db"}));
  EXPECT_NE(conn_line(log_.text()).find("outcome=accepted"), std::string::npos) << log_.text();
}

TEST_F(RevocationTest, AnIdleRevokedConnectionGetsCloseNotifyAndTheAppGetsEof) {
  std::size_t revoked = 0;
  std::pair<error_code, std::size_t> client_end;
  run(allow(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    EXPECT_EQ(co_await round_trip(*s, "hello"), "hello");
    revoked = revoker(deny()).recheck_all();
    client_end = co_await read_to_end(*s);
    co_await s->async_shutdown(tok);  // answers the close_notify
  });
  EXPECT_EQ(revoked, 1U);
  // SSL_read returned 0 with SSL_ERROR_ZERO_RETURN: a close_notify, not a bare FIN or reset.
  EXPECT_EQ(client_end.first, net::error::eof) << client_end.first.message();
  EXPECT_EQ(client_end.second, 0U);
  ASSERT_EQ(app_ends_.size(), 1U);
  EXPECT_EQ(app_ends_[0], net::error::eof) << app_ends_[0].message();
  const auto line = conn_line(log_.text());
  EXPECT_NE(line.find("event=conn outcome=revoked src=" + web_.to_string() +
                      " src_service=web dst_service=db"),
            std::string::npos)
      << log_.text();
  EXPECT_NE(line.find(std::string{"reason=\""} + kDenyReason + "\""), std::string::npos) << line;
  EXPECT_NE(line.find("bytes_in=5 bytes_out=5 "), std::string::npos) << line;
  EXPECT_NE(line.find("decision_source=local intention=\"web => db\""), std::string::npos) << line;
  EXPECT_NE(line.find("end=\"revoked\""), std::string::npos) << line;
  EXPECT_EQ(log_.text().find("revoke_audit"), std::string::npos);
}

TEST_F(RevocationTest, ABusyRelayIsRevokedWhileBytesFlowBothWays) {
  constexpr std::size_t kBeforeRevoke = 1 << 20;
  std::size_t revoked = 0;
  std::size_t received = 0;
  std::size_t sent = 0;
  error_code reader_end;
  run(allow(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    bool stop = false;
    auto writer = [&]() -> net::awaitable<void> {
      const std::string chunk(16 * 1024, 'x');
      while (!stop) {
        auto [ec, n] = co_await net::async_write(*s, net::buffer(chunk), tok);
        sent += n;
        if (ec) co_return;
      }
    };
    auto reader = [&]() -> net::awaitable<void> {
      std::vector<char> buf(64 * 1024);
      for (;;) {
        auto [ec, n] = co_await s->async_read_some(net::buffer(buf), tok);
        received += n;
        if (received >= kBeforeRevoke && revoked == 0) revoked = revoker(deny()).recheck_all();
        if (ec) {
          reader_end = ec;
          stop = true;
          co_return;
        }
      }
    };
    auto both = writer() && reader();
    co_await std::move(both);
    s->next_layer().close();
  });
  EXPECT_EQ(revoked, 1U);
  EXPECT_EQ(reader_end, net::error::eof) << reader_end.message();  // close_notify
  EXPECT_GE(received, kBeforeRevoke);
  EXPECT_EQ(app_ends_.size(), 1U);  // the app's side was closed
  const auto line = conn_line(log_.text());
  EXPECT_NE(line.find("event=conn outcome=revoked "), std::string::npos) << log_.text();
  EXPECT_NE(line.find("end=\"revoked\""), std::string::npos) << line;
  EXPECT_NE(line.find("intention=\"web => db\""), std::string::npos) << line;
  // The bytes relayed until the revocation, counted although the relay was cut mid-flight.
  const auto bytes_in = field(line, "bytes_in");
  const auto bytes_out = field(line, "bytes_out");
  EXPECT_GE(bytes_in, bytes_out) << line;  // the app echoes what it got
  EXPECT_LE(bytes_in, sent) << line;
  EXPECT_GT(bytes_out, 0U) << line;
  EXPECT_LE(bytes_out, received) << line;
}

// A re-decision that lands while the app is being dialed: the relay ends as soon as it starts.
TEST_F(RevocationTest, ARevocationBeforeTheRelayStartsEndsItAtOnce) {
  auto [user_socket, proxy_socket] = testing::connected_pair(control_);
  auto [proxy_app, app] = testing::connected_pair(control_);
  auto client_tls = tls::TlsContext::build(tls::Role::client, leaf(web_), trust_);
  ASSERT_TRUE(client_tls) << client_tls.error();
  TlsSocket user{std::move(user_socket), (*client_tls)->ssl_context().native_handle()};
  TlsSocket proxy{std::move(proxy_socket),
                  runtime_->server_tls.current()->ssl_context().native_handle()};
  RevocationSignal revocation{control_.get_executor()};
  revocation.revoke(Revocation{kDenyReason, "web => db"});
  revocation.revoke(Revocation{"later", "ignored"});  // the first one wins
  std::optional<RelayEnding> ending;
  error_code user_end;
  error_code app_end;
  net::co_spawn(
      control_,
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await user.handshake(net::ssl::stream_base::client));
        std::array<char, 64> buf{};
        auto [ec, n] = co_await user.read_some(net::buffer(buf));
        user_end = ec;
        EXPECT_EQ(n, 0U);
        co_await user.close_write();
      },
      [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
  net::co_spawn(
      control_,
      [&]() -> net::awaitable<void> {
        std::array<char, 64> buf{};
        auto [ec, n] = co_await app.async_read_some(net::buffer(buf), tok);
        app_end = ec;
        EXPECT_EQ(n, 0U);
      },
      [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
  net::co_spawn(
      control_,
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await proxy.handshake(net::ssl::stream_base::server));
        ending = co_await relay_and_close(proxy, proxy_app, runtime_->config.timeouts, revocation);
      },
      [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
  control_.run_for(20s);
  ASSERT_TRUE(ending);
  EXPECT_EQ(ending->end, "revoked");
  EXPECT_EQ(ending->result.to_app, 0U);
  EXPECT_EQ(ending->result.to_client, 0U);
  EXPECT_EQ(user_end, net::error::eof) << user_end.message();  // close_notify
  EXPECT_EQ(app_end, net::error::eof) << app_end.message();
  ASSERT_TRUE(revocation.revocation());
  EXPECT_EQ(revocation.revocation()->reason, kDenyReason);
}

TEST_F(RevocationTest, ADrainIsNotARevocation) {
  std::pair<error_code, std::size_t> client_end;
  run(allow(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    EXPECT_EQ(co_await round_trip(*s, "hello"), "hello");
    runtime_->registry.cancel_all();
    client_end = co_await read_to_end(*s);
    co_await s->async_shutdown(tok);
  });
  EXPECT_EQ(client_end.first, net::error::eof) << client_end.first.message();
  const auto line = conn_line(log_.text());
  EXPECT_NE(line.find("event=conn outcome=accepted "), std::string::npos) << log_.text();
  EXPECT_NE(line.find(std::string{"reason=\""} + kAllowReason + "\""), std::string::npos) << line;
  EXPECT_NE(line.find("end=\"cancelled\""), std::string::npos) << line;
}

TEST_F(RevocationTest, ADenialWithoutADecisionRevokesNothing) {
  std::size_t revoked = 1;
  std::string after;
  run(allow(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    EXPECT_EQ(co_await round_trip(*s, "hello"), "hello");
    revoked = revoker(Verdict{false, "authz_unavailable: the agent could not be asked: refused",
                              DecisionSource::agent, ""})
                  .recheck_all();
    revoked += revoker(allow()).recheck_all();
    after = co_await round_trip(*s, "still");
    co_await s->async_shutdown(tok);
  });
  EXPECT_EQ(revoked, 0U);
  EXPECT_EQ(after, "still");
  EXPECT_NE(conn_line(log_.text()).find("outcome=accepted"), std::string::npos) << log_.text();
}

TEST_F(RevocationTest, RevokingAnUnknownConnectionIsRefused) {
  EXPECT_FALSE(runtime_->registry.revoke(12345, Revocation{kDenyReason, "web => db"}));
  EXPECT_TRUE(runtime_->registry.open_inbound().empty());
}

TEST_F(RevocationTest, AuditLetsAnIntentionDenialThroughAndMarksIt) {
  runtime_->config.audit = true;
  std::string echoed;
  std::size_t rechecked = 1;
  run(deny(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    echoed = co_await round_trip(*s, "hello");
    rechecked = revoker(deny()).recheck_all();  // already marked: not reported again
    co_await s->async_shutdown(tok);
  });
  EXPECT_EQ(echoed, "hello");
  EXPECT_EQ(app_accepts_, 1);
  EXPECT_EQ(rechecked, 0U);
  const auto line = conn_line(log_.text());
  EXPECT_NE(line.find("event=conn outcome=audit_denied src=" + web_.to_string()), std::string::npos)
      << log_.text();
  EXPECT_NE(line.find(std::string{"reason=\""} + kDenyReason + "\""), std::string::npos) << line;
  EXPECT_NE(line.find("bytes_in=5 bytes_out=5 "), std::string::npos) << line;
  EXPECT_NE(line.find("intention=\"web => db\""), std::string::npos) << line;
  EXPECT_NE(line.find("end=\"client_closed\""), std::string::npos) << line;
}

TEST_F(RevocationTest, AuditStillClosesWhenNoDecisionCouldBeMade) {
  runtime_->config.audit = true;
  std::pair<error_code, std::size_t> end;
  run(Verdict{false, "authz_unavailable: the agent could not be asked: connect_failed",
              DecisionSource::agent, ""},
      [&](tcp::endpoint ep) -> net::awaitable<void> {
        auto s = co_await connect(ep);
        end = co_await read_to_end(*s);
      });
  EXPECT_EQ(end.first, net::error::eof) << end.first.message();
  EXPECT_EQ(app_accepts_, 0);
  const auto line = conn_line(log_.text());
  EXPECT_NE(line.find("event=conn outcome=denied "), std::string::npos) << log_.text();
  EXPECT_NE(line.find("reason=\"authz_unavailable: "), std::string::npos) << line;
}

TEST_F(RevocationTest, AuditLogsARevocationOnceAndKeepsTheConnection) {
  runtime_->config.audit = true;
  std::size_t first = 0;
  std::size_t second = 1;
  std::string after;
  std::uint64_t conn = 0;
  run(allow(), [&](tcp::endpoint ep) -> net::awaitable<void> {
    auto s = co_await connect(ep);
    EXPECT_EQ(co_await round_trip(*s, "hello"), "hello");
    auto open = runtime_->registry.open_inbound();
    if (!open.empty()) conn = open[0].conn_id;
    Revoker r = revoker(deny());
    first = r.recheck_all();
    second = r.recheck_all();
    after = co_await round_trip(*s, "still");
    co_await s->async_shutdown(tok);
  });
  EXPECT_EQ(first, 1U);
  EXPECT_EQ(second, 0U);
  EXPECT_EQ(after, "still");
  const auto text = log_.text();
  const std::string audit_line = "event=revoke_audit conn=" + std::to_string(conn) +
                                 " src=" + web_.to_string() + " src_service=web reason=\"" +
                                 kDenyReason + "\" intention=\"web => db\"";
  const auto at = text.find(audit_line);
  EXPECT_NE(at, std::string::npos) << text;
  EXPECT_EQ(text.find("event=revoke_audit", at + 1), std::string::npos) << text;
  const auto line = conn_line(text);
  EXPECT_NE(line.find("event=conn outcome=accepted "), std::string::npos) << text;
  EXPECT_NE(line.find("bytes_in=10 bytes_out=10 "), std::string::npos) << line;
}

}  // namespace
}  // namespace gatehouse::proxy
