// TlsSocket over loopback: our own stream on both ends (the authenticated half-close), and
// Asio's ssl::stream as the other end (wire compatibility, error texts).
#include "proxy/tls_socket.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "proxy/relay_buffer.hpp"
#include "tests/support/scripted_tls_peer.hpp"
#include "tests/unit/proxy/loopback.hpp"
#include "tls/tls_context.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class TlsSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tools::CaOptions o;
    o.cluster_id = "11111111-2222-3333-4444-555555555555";
    auto ca = tools::CertificateAuthority::create(o, Clock::now());
    ASSERT_TRUE(ca) << ca.error();
    const tls::TrustMaterial trust{{ca->root_cert_pem()}, ca->trust_domain()};
    server_ = context(*ca, trust, tls::Role::server, "db");
    client_ = context(*ca, trust, tls::Role::client, "web");
    ca_.emplace(std::move(*ca));
    trust_ = trust;
  }

  static std::shared_ptr<const tls::TlsContext> context(
      tools::CertificateAuthority& ca, const tls::TrustMaterial& trust, tls::Role role,
      const char* service, Clock::time_point issued_at = Clock::now()) {
    static std::uint64_t serial = 0;
    auto issued = ca.issue_leaf(tls::SpiffeId::for_service(ca.trust_domain(), "dc1", service), 72h,
                                issued_at, ++serial);
    EXPECT_TRUE(issued) << issued.error();
    auto built = tls::TlsContext::build(role, {issued->cert_pem, issued->private_key_pem}, trust);
    EXPECT_TRUE(built) << built.error();
    return *built;
  }

  SSL_CTX* server_ctx() { return server_->ssl_context().native_handle(); }
  SSL_CTX* client_ctx() { return client_->ssl_context().native_handle(); }

  // Runs `a` and `b` on one io_context to completion.
  void run(std::function<net::awaitable<void>()> a, std::function<net::awaitable<void>()> b) {
    net::co_spawn(ioc_, a(), [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
    net::co_spawn(ioc_, b(), [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
    ioc_.run_for(20s);
  }

  // Our server's handshake with a client presenting `client_tls`'s leaf on the pair's client
  // socket; the client reads the server's answer (an alert) after its own side completed.
  error_code server_handshake_with(const tls::TlsContext& client_tls, TlsSocket& server) {
    TlsSocket client{std::move(pair_.first), client_tls.ssl_context().native_handle()};
    error_code server_ec;
    run(
        [&]() -> net::awaitable<void> {
          co_await client.handshake(net::ssl::stream_base::client);
          std::array<char, 16> buf{};
          co_await client.read_some(net::buffer(buf));  // the server's alert
        },
        [&]() -> net::awaitable<void> {
          server_ec = co_await server.handshake(net::ssl::stream_base::server);
        });
    return server_ec;
  }

  static net::awaitable<std::string> read_all(TlsSocket& s, error_code& end) {
    std::string out;
    std::array<char, 256> buf{};
    for (;;) {
      auto [ec, n] = co_await s.read_some(net::buffer(buf));
      out.append(buf.data(), n);
      if (ec) {
        end = ec;
        co_return out;
      }
    }
  }

  net::io_context ioc_;
  std::pair<tcp::socket, tcp::socket> pair_ = testing::connected_pair(ioc_);  // client, server
  std::shared_ptr<const tls::TlsContext> server_;
  std::shared_ptr<const tls::TlsContext> client_;
  std::optional<tools::CertificateAuthority> ca_;
  tls::TrustMaterial trust_;
};

TEST_F(TlsSocketTest, HalfCloseSendsCloseNotifyAndTheAnswerStillFlows) {
  TlsSocket client{std::move(pair_.first), client_ctx()};
  TlsSocket server{std::move(pair_.second), server_ctx()};
  std::string server_got;
  std::string client_got;
  error_code server_end;
  error_code client_end;
  run(
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await client.handshake(net::ssl::stream_base::client));
        auto [wec, n] = co_await client.write(net::buffer(std::string_view{"hello"}));
        EXPECT_FALSE(wec);
        EXPECT_EQ(n, 5U);
        EXPECT_FALSE(co_await client.close_write());
        client_got = co_await read_all(client, client_end);
        EXPECT_FALSE(co_await client.shutdown());  // both close_notify already exchanged
      },
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        server_got = co_await read_all(server, server_end);
        auto [wec, n] = co_await server.write(net::buffer(std::string_view{"answer"}));
        EXPECT_FALSE(wec) << wec.message();
        EXPECT_FALSE(co_await server.shutdown());
      });
  EXPECT_EQ(server_got, "hello");
  // A close_notify, not a bare FIN: the truncation would be detectable.
  EXPECT_EQ(server_end, net::error::eof) << server_end.message();
  EXPECT_EQ(client_got, "answer");
  EXPECT_EQ(client_end, net::error::eof) << client_end.message();
}

// A relay cancelled (drain, revocation) while the caller's socket was full leaves OpenSSL holding
// part of a record; close_notify must still go out, after the rest of that write.
TEST_F(TlsSocketTest, AWriteCancelledMidRecordIsFinishedBeforeCloseNotify) {
  TlsSocket client{std::move(pair_.first), client_ctx()};
  TlsSocket server{std::move(pair_.second), server_ctx()};
  // Small buffers: the server's write fills both long before the 4 MiB are out.
  server.next_layer().set_option(net::socket_base::send_buffer_size{16 * 1024});
  client.next_layer().set_option(net::socket_base::receive_buffer_size{16 * 1024});
  const std::string big(4 << 20, 'x');
  net::cancellation_signal cancel;
  net::steady_timer cancelled{ioc_, net::steady_timer::time_point::max()};
  std::optional<std::tuple<error_code, std::size_t>> write_result;
  error_code close_ec;
  std::string client_got;
  error_code client_end;
  run(
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await client.handshake(net::ssl::stream_base::client));
        co_await cancelled.async_wait(tok);  // reads nothing until the write is abandoned
        client_got = co_await read_all(client, client_end);
        co_await client.close_write();
      },
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        net::co_spawn(ioc_, server.write(net::buffer(big)),
                      net::bind_cancellation_slot(cancel.slot(),
                                                  [&](const std::exception_ptr&,
                                                      std::tuple<error_code, std::size_t> result) {
                                                    write_result = result;
                                                  }));
        // The write runs until the socket is full, then waits on it; cancel that wait.
        for (int i = 0; i < 3; ++i) co_await net::post(ioc_, tok);
        EXPECT_FALSE(write_result);
        cancel.emit(net::cancellation_type::terminal);
        for (int i = 0; i < 10 && !write_result; ++i) co_await net::post(ioc_, tok);
        cancelled.cancel();
        close_ec = co_await server.shutdown();
      });
  ASSERT_TRUE(write_result);
  EXPECT_EQ(std::get<0>(*write_result), net::error::operation_aborted)
      << std::get<0>(*write_result).message();
  EXPECT_LT(std::get<1>(*write_result), big.size());
  EXPECT_FALSE(close_ec) << close_ec.message();
  EXPECT_EQ(client_end, net::error::eof) << client_end.message();  // close_notify, no truncation
  EXPECT_EQ(client_got.size(), big.size());
}

TEST_F(TlsSocketTest, BareFinWithoutCloseNotifyIsReportedAsTruncated) {
  TlsSocket client{std::move(pair_.first), client_ctx()};
  TlsSocket server{std::move(pair_.second), server_ctx()};
  error_code server_end;
  std::string server_got;
  run(
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await client.handshake(net::ssl::stream_base::client));
        co_await client.write(net::buffer(std::string_view{"partial"}));
        client.next_layer().shutdown(tcp::socket::shutdown_send);
        co_return;
      },
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        server_got = co_await read_all(server, server_end);
      });
  EXPECT_EQ(server_got, "partial");
  EXPECT_EQ(server_end, net::ssl::error::stream_truncated) << server_end.message();
}

TEST_F(TlsSocketTest, AsioClientTalksToOurServerAndItsCloseNotifyIsEof) {
  net::ssl::stream<tcp::socket> client{std::move(pair_.first), client_->ssl_context()};
  TlsSocket server{std::move(pair_.second), server_ctx()};
  std::string server_got;
  error_code server_end;
  std::string client_got(4, '\0');
  run(
      [&]() -> net::awaitable<void> {
        auto [hec] = co_await client.async_handshake(net::ssl::stream_base::client, tok);
        EXPECT_FALSE(hec) << hec.message();
        co_await net::async_write(client, net::buffer(std::string_view{"ping"}), tok);
        auto [rec, n] = co_await net::async_read(client, net::buffer(client_got), tok);
        EXPECT_FALSE(rec) << rec.message();
        co_await client.async_shutdown(tok);
      },
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        std::array<char, 4> buf{};
        auto [ec, n] = co_await server.read_some(net::buffer(buf));
        server_got.assign(buf.data(), n);
        co_await server.write(net::buffer(std::string_view{"pong"}));
        server_got += co_await read_all(server, server_end);
        co_await server.shutdown();
      });
  EXPECT_EQ(server_got, "ping");
  EXPECT_EQ(client_got, "pong");
  EXPECT_EQ(server_end, net::error::eof) << server_end.message();
}

TEST_F(TlsSocketTest, HandshakeFailureNamesOpensslsReason) {
  // A client without a certificate: the server requires one.
  net::ssl::context bare{net::ssl::context::tls_client};
  bare.set_verify_mode(net::ssl::verify_none);
  net::ssl::stream<tcp::socket> client{std::move(pair_.first), bare};
  TlsSocket server{std::move(pair_.second), server_ctx()};
  error_code server_ec;
  run(
      [&]() -> net::awaitable<void> {
        co_await client.async_handshake(net::ssl::stream_base::client, tok);
        std::array<char, 16> buf{};
        co_await client.async_read_some(net::buffer(buf), tok);  // the server's alert
      },
      [&]() -> net::awaitable<void> {
        server_ec = co_await server.handshake(net::ssl::stream_base::server);
      });
  ASSERT_TRUE(server_ec);
  EXPECT_NE(server_ec.message().find("peer did not return a certificate"), std::string::npos)
      << server_ec.message();
  EXPECT_EQ(server.handshake_failure_detail(), "alert_sent: certificate required");
}

TEST_F(TlsSocketTest, AnExpiredClientCertificateIsNamedWithTheAlertWeSent) {
  // Issued four days ago for 72 hours: expired a day ago.
  const auto expired = context(*ca_, trust_, tls::Role::client, "web", Clock::now() - 96h);
  TlsSocket server{std::move(pair_.second), server_ctx()};
  const error_code server_ec = server_handshake_with(*expired, server);
  ASSERT_TRUE(server_ec);
  EXPECT_NE(server_ec.message().find("certificate verify failed"), std::string::npos)
      << server_ec.message();
  EXPECT_EQ(server.handshake_failure_detail(),
            "verify: certificate has expired; alert_sent: certificate expired");
}

TEST_F(TlsSocketTest, AClientCertificateFromAnotherCaIsNamed) {
  tools::CaOptions o;
  o.cluster_id = "99999999-2222-3333-4444-555555555555";
  auto other = tools::CertificateAuthority::create(o, Clock::now());
  ASSERT_TRUE(other) << other.error();
  // Trusts our server, but presents a leaf our server's CA never signed.
  const auto stranger = context(*other, trust_, tls::Role::client, "web");
  TlsSocket server{std::move(pair_.second), server_ctx()};
  const error_code server_ec = server_handshake_with(*stranger, server);
  ASSERT_TRUE(server_ec);
  EXPECT_NE(
      server.handshake_failure_detail().find("verify: unable to get local issuer certificate"),
      std::string::npos)
      << server.handshake_failure_detail();
}

TEST_F(TlsSocketTest, WritingToAPeerThatResetIsAnErrorNotASignal) {
  std::signal(SIGPIPE, SIG_IGN);  // as `gatehouse` does in main()
  TlsSocket client{std::move(pair_.first), client_ctx()};
  TlsSocket server{std::move(pair_.second), server_ctx()};
  error_code write_ec;
  run(
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await client.handshake(net::ssl::stream_base::client));
        // Linger 0: the close sends a RST.
        client.next_layer().set_option(net::socket_base::linger{true, 0});
        client.next_layer().close();
      },
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        const std::string chunk(kRelayBufferSize, 'x');
        for (int i = 0; i < 1000 && !write_ec; ++i) {
          std::tie(write_ec, std::ignore) = co_await server.write(net::buffer(chunk));
        }
      });
  ASSERT_TRUE(write_ec);
  EXPECT_TRUE(write_ec == boost::system::errc::connection_reset ||
              write_ec == boost::system::errc::broken_pipe)
      << write_ec.message();
}

// A worker that never suspends cannot be stopped by its own timers; a test of that must not hang
// the suite, so a watchdog thread ends the process with a message instead.
class AbortIfStuck {
 public:
  AbortIfStuck(std::chrono::seconds limit, const char* what)
      : thread_([this, limit, what] {
          if (done_.get_future().wait_for(limit) == std::future_status::timeout) {
            std::fprintf(stderr, "FATAL: %s (no progress for %llds)\n", what,
                         static_cast<long long>(limit.count()));
            std::abort();
          }
        }) {}
  ~AbortIfStuck() {
    done_.set_value();
    thread_.join();
  }
  AbortIfStuck(const AbortIfStuck&) = delete;
  AbortIfStuck& operator=(const AbortIfStuck&) = delete;

 private:
  std::promise<void> done_;
  std::thread thread_;
};

// Our server on the io_context; a scripted client on its own thread that sends only part of
// what it means to send (half a record, half a ClientHello).
class StalledPeerTest : public TlsSocketTest {
 protected:
  using Peer = gatehouse::testing::ScriptedTlsPeer;
  using PeerRole = gatehouse::testing::TlsRole;

  // Counts timer ticks while `stalled` runs: proof that the thread kept serving others.
  net::awaitable<int> ticks_while(std::chrono::milliseconds period, const std::atomic<bool>& done) {
    net::steady_timer tick{ioc_};
    int ticks = 0;
    for (int i = 0; i < 500 && !done; ++i) {
      tick.expires_after(period);
      co_await tick.async_wait(tok);
      ++ticks;
    }
    co_return ticks;
  }

  int client_fd() { return pair_.first.release(); }

  AbortIfStuck watchdog_{60s, "a stalled TLS peer kept the worker from suspending"};
};

TEST_F(StalledPeerTest, HalfARecordSuspendsTheReaderAndTheRestCompletesIt) {
  using namespace net::experimental::awaitable_operators;
  TlsSocket server{std::move(pair_.second), server_ctx()};
  std::promise<void> stalled;
  std::promise<void> go_on;
  std::string client_error;
  std::thread client_thread([&, fd = client_fd()] {
    Peer client{client_ctx(), PeerRole::client, fd};
    if (!client.handshake(10s)) client_error = client.error();
    const std::string payload = "hello, record";
    client.hold_after(client.record_size(payload.size()) / 2);
    client.write(payload);
    stalled.set_value();
    go_on.get_future().wait_for(20s);
    client.release();
    client.wait_for_close(10s);
  });

  std::atomic<bool> done{false};
  int ticks = 0;
  std::string got;
  bool first_read_timed_out = false;
  run(
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        stalled.get_future().wait_for(20s);  // half a record is now on the wire
        std::array<char, 64> buf{};
        net::steady_timer limit{ioc_, 300ms};
        auto first = co_await (server.read_some(net::buffer(buf)) || limit.async_wait(tok));
        first_read_timed_out = first.index() == 1;
        go_on.set_value();
        auto [ec, n] = co_await server.read_some(net::buffer(buf));
        EXPECT_FALSE(ec) << ec.message();
        got.assign(buf.data(), n);
        done = true;
        server.next_layer().close();
      },
      [&]() -> net::awaitable<void> { ticks = co_await ticks_while(10ms, done); });
  client_thread.join();
  EXPECT_EQ(client_error, "");
  EXPECT_TRUE(first_read_timed_out) << "a read returned with only half a record";
  EXPECT_EQ(got, "hello, record");  // the held half was kept, not lost
  EXPECT_GE(ticks, 5) << "the thread did not serve its timers while the record was incomplete";
}

TEST_F(StalledPeerTest, ShutdownWaitsOnTheSocketWhileThePeerStopsMidRecord) {
  using namespace net::experimental::awaitable_operators;
  TlsSocket server{std::move(pair_.second), server_ctx()};
  std::promise<void> stalled;
  std::thread client_thread([&, fd = client_fd()] {
    Peer client{client_ctx(), PeerRole::client, fd};
    client.handshake(10s);
    client.hold_after(client.record_size(100) / 2);
    client.write(std::string(100, 'x'));
    stalled.set_value();
    client.wait_for_close(20s);
  });
  std::atomic<bool> done{false};
  int ticks = 0;
  bool shutdown_timed_out = false;
  run(
      [&]() -> net::awaitable<void> {
        EXPECT_FALSE(co_await server.handshake(net::ssl::stream_base::server));
        stalled.get_future().wait_for(20s);
        net::steady_timer limit{ioc_, 300ms};
        auto first = co_await (server.shutdown() || limit.async_wait(tok));
        shutdown_timed_out = first.index() == 1;
        done = true;
        server.next_layer().close();
      },
      [&]() -> net::awaitable<void> { ticks = co_await ticks_while(10ms, done); });
  client_thread.join();
  EXPECT_TRUE(shutdown_timed_out);
  EXPECT_GE(ticks, 5);
}

TEST_F(StalledPeerTest, HandshakeWaitsOnTheSocketWhenTheClientHelloStopsHalfway) {
  using namespace net::experimental::awaitable_operators;
  TlsSocket server{std::move(pair_.second), server_ctx()};
  std::thread client_thread([&, fd = client_fd()] {
    Peer client{client_ctx(), PeerRole::client, fd};
    client.hold_after(40);  // a few bytes into the ClientHello
    client.handshake(500ms);
    client.wait_for_close(20s);
  });
  bool handshake_timed_out = false;
  run(
      [&]() -> net::awaitable<void> {
        net::steady_timer limit{ioc_, 300ms};
        auto first =
            co_await (server.handshake(net::ssl::stream_base::server) || limit.async_wait(tok));
        handshake_timed_out = first.index() == 1;
        server.next_layer().close();
      },
      []() -> net::awaitable<void> { co_return; });
  client_thread.join();
  EXPECT_TRUE(handshake_timed_out);
}

TEST(RelayBufferPool, AReturnedBufferIsLentAgain) {
  const char* first = nullptr;
  {
    RelayBuffer buf;
    first = buf.data();
    EXPECT_EQ(buf.buffer().size(), kRelayBufferSize);
  }
  RelayBuffer again;
  EXPECT_EQ(again.data(), first);
}

}  // namespace
}  // namespace gatehouse::proxy
