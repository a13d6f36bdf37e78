// `gatehouse proxy` against peers that stop mid-record or trickle: a single-worker sidecar must
// keep serving everyone else, spend no CPU on the stalled connection, and end it by its own
// deadline with a named reason. Real dev agent, echo app and proxy processes on loopback; the
// misbehaving peers come from tests/support (ScriptedTlsPeer, LinkShaper).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tests/support/link_shaper.hpp"
#include "tests/support/scripted_tls_peer.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

// CPU seconds (user + system) that process `pid` has used so far, from /proc/<pid>/stat.
double cpu_seconds(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat{std::istreambuf_iterator<char>{in}, {}};
  // Fields after the command name, which is in parentheses and may hold spaces; utime and stime
  // are fields 14 and 15 of the line, the 12th and 13th after the ')'.
  std::istringstream rest{stat.substr(stat.rfind(')') + 2)};
  std::string skip;
  for (int i = 0; i < 11; ++i) rest >> skip;
  long utime = 0;
  long stime = 0;
  rest >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The sidecar's CPU over a stall must stay under `share` of the stall's length; the figures are
// printed for the record (the benchmark is where timings belong, this only tells spin from wait).
void expect_idle_during_stall(pid_t pid, double cpu_before, double stall_seconds, double share) {
  const double used = cpu_seconds(pid) - cpu_before;
  std::printf("stall: sidecar cpu %.3f s over %.2f s\n", used, stall_seconds);
  EXPECT_LT(used, share * stall_seconds) << "the sidecar spun while its peer stalled";
}

// A stalled connection that makes a worker spin costs a whole core for its whole life; one that
// waits on its socket costs next to nothing. Anything under half a core over the stall tells them
// apart on a loaded machine too.
constexpr double kMaxStallCpuShare = 0.5;

class StalledPeerTest : public ProxyTest {
 protected:
  // db's sidecar with ONE worker: a connection that held it would starve every other one.
  void start_single_worker(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"-service",    "db",         "-service-addr",   echo_addr_,
                                  "-listen",     "127.0.0.1:0", "-http-addr", agent_.base_url(),
                                  "-workers",    "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    start_proxy_args(args);
  }

  // A normal caller on a second connection, served while the stalled one still waits.
  void expect_served(const std::string& service, std::uint16_t port) {
    const auto ctx = client_context(service);
    TlsClient other{native(ctx), port};
    ASSERT_TRUE(other.handshake()) << other.error();
    ASSERT_TRUE(other.write("second\n"));
    EXPECT_EQ(other.read_exactly(7), "second\n");
    other.send_close_notify();
    EXPECT_EQ(other.read_to_end(), "bye\n");
  }

  // A caller of db's sidecar that completes the handshake as `service` and then sends only the
  // first half of one application-data record.
  std::unique_ptr<ScriptedTlsPeer> caller_stalled_mid_record(const std::string& service) {
    caller_ctx_ = client_context(service);
    auto peer = std::make_unique<ScriptedTlsPeer>(native(caller_ctx_), TlsRole::client,
                                                  tcp_connect_loopback(proxy_port_));
    EXPECT_TRUE(peer->handshake(10s)) << peer->error();
    peer->hold_after(peer->record_size(5) / 2);
    EXPECT_TRUE(peer->write("ping\n")) << peer->error();
    return peer;
  }

  std::shared_ptr<const tls::TlsContext> caller_ctx_;
};

TEST_F(StalledPeerTest, AllowedCallerStoppingMidRecordIdlesOutWithoutHoldingTheWorker) {
  start_single_worker({"-idle-timeout", "3s"});
  const auto stalled = caller_stalled_mid_record("web");
  const double cpu_before = cpu_seconds(proxy_->pid());
  const auto stall_started = std::chrono::steady_clock::now();

  expect_served("api", proxy_port_);

  const auto line = conn_line(1);  // the stalled connection, ended by the sidecar
  const double stall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stall_started).count();
  EXPECT_EQ(field(line, "outcome"), "accepted") << line;
  EXPECT_EQ(field(line, "src_service"), "web") << line;
  EXPECT_EQ(field(line, "end"), "idle_timeout") << line;
  EXPECT_EQ(field(line, "bytes_in"), "0") << line;  // half a record is no byte of plaintext
  EXPECT_EQ(field(conn_line(2), "end"), "client_closed");
  expect_idle_during_stall(proxy_->pid(), cpu_before, stall_seconds, kMaxStallCpuShare);
  EXPECT_TRUE(stalled->wait_for_close(10s)) << "the stalled caller was never closed";
}

TEST_F(StalledPeerTest, DeniedCallerStoppingMidRecordIsClosedByTheShutdownDeadline) {
  put_intention("web", "db", "deny");
  start_single_worker({"-tls-shutdown-timeout", "1s"});
  const auto stalled = caller_stalled_mid_record("web");
  const double cpu_before = cpu_seconds(proxy_->pid());
  const auto stall_started = std::chrono::steady_clock::now();

  expect_served("api", proxy_port_);

  // Our close_notify came at once; the caller never finished its record, let alone answered, so
  // the sidecar closed the socket at the shutdown deadline.
  EXPECT_TRUE(stalled->wait_for_close(10s)) << "the denied caller was never closed";
  EXPECT_TRUE(stalled->got_close_notify());
  const auto line = conn_line(1);
  const double stall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stall_started).count();
  EXPECT_EQ(field(line, "outcome"), "denied") << line;
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  expect_idle_during_stall(proxy_->pid(), cpu_before, stall_seconds + 0.4, kMaxStallCpuShare);
}

TEST_F(StalledPeerTest, CallerStoppingMidHandshakeEndsByTheHandshakeDeadline) {
  start_single_worker({"-handshake-timeout", "1s"});
  const auto web = client_context("web");
  ScriptedTlsPeer stalled{native(web), TlsRole::client, tcp_connect_loopback(proxy_port_)};
  stalled.hold_after(60);  // part of the ClientHello
  EXPECT_FALSE(stalled.handshake(300ms));

  expect_served("api", proxy_port_);

  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "failed") << line;
  EXPECT_EQ(field(line, "reason").rfind("handshake_timeout: ", 0), 0U) << line;
  EXPECT_TRUE(stalled.wait_for_close(10s));
}

TEST_F(StalledPeerTest, HandshakesInProgressAreCappedAndSilentCallersDoNotCount) {
  start_single_worker({"-handshake-timeout", "2s", "-max-handshakes", "2"});
  // Five callers that connect and send nothing hold no TLS state and take no handshake slot.
  std::vector<int> silent;
  for (int i = 0; i < 5; ++i) silent.push_back(tcp_connect_loopback(proxy_port_));
  // Two that stop inside their ClientHello take both slots.
  const auto web = client_context("web");
  std::vector<std::unique_ptr<ScriptedTlsPeer>> stalled;
  for (int i = 0; i < 2; ++i) {
    stalled.push_back(std::make_unique<ScriptedTlsPeer>(native(web), TlsRole::client,
                                                        tcp_connect_loopback(proxy_port_)));
    stalled.back()->hold_after(60);
    EXPECT_FALSE(stalled.back()->handshake(200ms));
  }
  // A third handshake is refused at once, with the reason logged.
  TlsClient refused{native(web), proxy_port_};
  EXPECT_FALSE(refused.handshake());
  const auto limit_line = proxy_line("handshake_limit");
  EXPECT_EQ(field(limit_line, "outcome"), "failed") << limit_line;
  EXPECT_EQ(field(limit_line, "reason"),
            "handshake_limit: 2 TLS handshakes already in progress on this worker");
  // Once the stalled ones reach their deadline, handshakes are admitted again.
  for (auto& peer : stalled) EXPECT_TRUE(peer->wait_for_close(10s));
  expect_served("api", proxy_port_);
  for (const int fd : silent) ::close(fd);
}

TEST_F(StalledPeerTest, UpstreamInstanceStoppingMidRecordIdlesOutWithoutHoldingTheWorker) {
  // A stand-in db instance with db's real leaf that answers half a record and then nothing.
  const auto db_ctx = client_context_from(agent_.base_url(), "db", tls::Role::server);
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  auto* raw = reinterpret_cast<sockaddr*>(&addr);  // NOLINT: the sockets API
  ASSERT_EQ(::bind(listener, raw, sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  ASSERT_EQ(::getsockname(listener, raw, &len), 0);
  const auto r = agent_.put("/v1/agent/service/register",
                            json{{"Kind", "connect-proxy"},
                                 {"ID", "db-stalling"},
                                 {"Name", "db-sidecar-proxy"},
                                 {"Address", "127.0.0.1"},
                                 {"Port", ntohs(addr.sin_port)},
                                 {"Proxy", {{"DestinationServiceName", "db"}}}}
                                .dump());
  ASSERT_EQ(r.status, 200) << r.body;
  std::string instance_error;
  std::thread instance([&] {
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 20'000) != 1) return;
    ScriptedTlsPeer db{native(db_ctx), TlsRole::server, ::accept(listener, nullptr, nullptr)};
    if (!db.handshake(10s)) instance_error = db.error();
    db.hold_after(db.record_size(5) / 2);
    db.write("pong\n");
    db.wait_for_close(20s);
  });

  // web's sidecar, one worker, with an upstream to db and its own public listener.
  start_proxy_args({"-service", "web", "-service-addr", echo_addr_, "-listen", "127.0.0.1:0",
                    "-upstream", "db:0", "-http-addr", agent_.base_url(), "-workers", "1",
                    "-idle-timeout", "3s"});
  const auto upstream_line = proxy_line("event=listening listener=upstream upstream=db");
  proxy_line("event=upstream_instances upstream=db count=1");
  const auto upstream_addr = field(upstream_line, "addr");
  const auto upstream_port =
      static_cast<std::uint16_t>(std::stoi(upstream_addr.substr(upstream_addr.rfind(':') + 1)));

  const int local = tcp_connect_loopback(upstream_port);
  ASSERT_GE(local, 0);
  ASSERT_EQ(::send(local, "ping\n", 5, MSG_NOSIGNAL), 5);
  const double cpu_before = cpu_seconds(proxy_->pid());
  const auto stall_started = std::chrono::steady_clock::now();

  expect_served("api", proxy_port_);  // web's inbound side, on the same worker

  const auto line = conn_line(1);
  const double stall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stall_started).count();
  EXPECT_EQ(field(line, "direction"), "outbound") << line;
  EXPECT_EQ(field(line, "outcome"), "accepted") << line;
  EXPECT_EQ(field(line, "end"), "idle_timeout") << line;
  EXPECT_EQ(field(line, "bytes_in"), "0") << line;
  EXPECT_EQ(read_plain_to_eof(local), "");  // the local client gets EOF, no byte
  ::close(local);
  expect_idle_during_stall(proxy_->pid(), cpu_before, stall_seconds, kMaxStallCpuShare);
  instance.join();
  ::close(listener);
  EXPECT_EQ(instance_error, "");
}

TEST_F(StalledPeerTest, TrickleLinkDeliversEveryByteAndOthersAreServed) {
  start_single_worker({});
  // A slow honest path: 1400 bytes every 10 ms (140 KB/s) both ways, records cut anywhere.
  LinkShaper link{proxy_port_, LinkShape{.piece = 1400, .pause = 10ms}};
  const auto web = client_context("web");
  std::string payload(128 * 1024, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 31 % 251);

  TlsClient slow{native(web), link.port()};
  ASSERT_TRUE(slow.handshake()) << slow.error();
  const double cpu_before = cpu_seconds(proxy_->pid());
  const auto trickle_started = std::chrono::steady_clock::now();
  // The echo piles up in socket buffers while we write (128 KiB fit); one thread per SSL.
  ASSERT_TRUE(slow.write(payload));
  expect_served("api", proxy_port_);  // meanwhile, directly, while the echo still trickles
  const std::string echoed = slow.read_exactly(payload.size());
  expect_idle_during_stall(
      proxy_->pid(), cpu_before,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - trickle_started).count(),
      kMaxStallCpuShare);
  EXPECT_TRUE(echoed == payload) << "echoed " << echoed.size() << " of " << payload.size();
  slow.send_close_notify();
  EXPECT_EQ(slow.read_to_end(), "bye\n");
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "bytes_in"), std::to_string(payload.size()));
  EXPECT_EQ(field(line, "end"), "client_closed");
}

TEST_F(StalledPeerTest, PathThatStopsForwardingMidStreamIdlesOut) {
  start_single_worker({"-idle-timeout", "2s"});
  // Forwards the handshake and part of the first 16 KiB records, then nothing, connection open.
  LinkShaper link{proxy_port_, LinkShape{.stop_client_to_server_after = 24'000}};
  const auto web = client_context("web");
  TlsClient cut{native(web), link.port()};
  ASSERT_TRUE(cut.handshake()) << cut.error();
  ASSERT_TRUE(cut.write(std::string(64 * 1024, 'z')));

  expect_served("api", proxy_port_);

  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "end"), "idle_timeout") << line;
  const auto bytes_in = std::stoull(field(line, "bytes_in"));
  EXPECT_LT(bytes_in, 24'000U) << line;  // only whole records were relayed, never a fragment
  EXPECT_EQ(bytes_in % (16 * 1024), 0U) << line;
}

}  // namespace
}  // namespace gatehouse::testing
