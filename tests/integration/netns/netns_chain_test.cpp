// The web -> db sidecar chain across veth links (netns_chain_fixture.hpp): volume both ways at
// once, TLS half-close around record sizes, and a rate-limited link.
#include <unistd.h>

#include <array>
#include <atomic>
#include <future>
#include <regex>

#include "tests/integration/netns/echo_stream.hpp"
#include "tests/integration/netns/netns_chain_fixture.hpp"

namespace gatehouse::testing {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1024} * 1024;
constexpr std::uint64_t kRecord = std::uint64_t{16} * 1024;  // a full TLS record's plaintext

// One connection through the chain: `bytes` out and their echo back, within `limit`.
EchoStreamResult stream_once(int fd, std::uint64_t bytes, std::chrono::seconds limit,
                             std::atomic<std::uint64_t>* progress = nullptr) {
  if (fd < 0) {
    EchoStreamResult failed;
    failed.error = "connect to the upstream listener failed";
    return failed;
  }
  auto r = echo_stream(fd, bytes, limit, progress);
  ::close(fd);
  return r;
}

void expect_intact_echo(const EchoStreamResult& r, std::uint64_t bytes) {
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.sent, bytes);
  EXPECT_EQ(r.received, bytes + kEchoBye.size());
  EXPECT_EQ(r.echoed_sha256, r.sent_sha256);
  EXPECT_EQ(r.tail, kEchoBye);
}

}  // namespace

class NetnsChain : public NetnsChainTest {
 protected:
  // Both sidecars' summaries of connection `id`, which carried `bytes` (and the echo's trailer
  // back) and ended with the client's half-close.
  void expect_conn_lines(int id, std::uint64_t bytes) {
    const auto back = std::to_string(bytes + kEchoBye.size());
    const auto out = conn_line(*web_, id);
    EXPECT_EQ(field(out, "direction"), "outbound") << out;
    EXPECT_EQ(field(out, "outcome"), "accepted") << out;
    EXPECT_EQ(field(out, "instance"), bed_->address("db") + ":" + std::to_string(db_port_)) << out;
    EXPECT_EQ(field(out, "end"), "client_closed") << out;
    EXPECT_EQ(field(out, "bytes_out"), std::to_string(bytes)) << out;
    EXPECT_EQ(field(out, "bytes_in"), back) << out;
    const auto in = conn_line(*db_, id);
    EXPECT_EQ(field(in, "outcome"), "accepted") << in;
    EXPECT_EQ(field(in, "src_service"), "web") << in;
    EXPECT_EQ(field(in, "peer").rfind(bed_->address("web") + ":", 0), 0U) << in;
    EXPECT_EQ(field(in, "end"), "client_closed") << in;
    EXPECT_EQ(field(in, "bytes_in"), std::to_string(bytes)) << in;
    EXPECT_EQ(field(in, "bytes_out"), back) << in;
  }
};

TEST_F(NetnsChain, SixtyFourMebibytesEachWayAtOnceArriveIntact) {
  const std::uint64_t bytes = 64 * kMiB;
  const auto r = stream_once(connect_upstream(), bytes, std::chrono::seconds{100});
  expect_intact_echo(r, bytes);
  expect_conn_lines(1, bytes);
}

TEST_F(NetnsChain, HalfCloseAroundTheRecordSizeEchoesExactlyAndEndsClientClosed) {
  const std::array<std::uint64_t, 6> sizes{0, 1, kRecord - 1, kRecord, kRecord + 1, kMiB};
  int id = 0;
  for (const auto bytes : sizes) {
    SCOPED_TRACE("payload " + std::to_string(bytes) + " bytes");
    ++id;
    const auto r = stream_once(connect_upstream(), bytes, std::chrono::seconds{30});
    expect_intact_echo(r, bytes);
    expect_conn_lines(id, bytes);
  }
}

TEST_F(NetnsChain, RateLimitedLinkDeliversIntactAndServesASecondConnection) {
  bed_->rate_limit("db", "16mbit");
  const std::uint64_t bytes = 4 * kMiB;
  std::atomic<std::uint64_t> progress{0};
  auto big = std::async(std::launch::async, [&] {
    return stream_once(connect_upstream(), bytes, std::chrono::seconds{60}, &progress);
  });
  // Once the big transfer's echo is flowing, a short connection goes through the same link.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (progress < std::uint64_t{64} * 1024 && std::chrono::steady_clock::now() < deadline &&
         big.wait_for(10ms) != std::future_status::ready) {
  }
  const std::uint64_t small = 100;
  const auto short_one = stream_once(connect_upstream(), small, std::chrono::seconds{30});
  {
    SCOPED_TRACE("short connection");
    expect_intact_echo(short_one, small);
  }
  const auto r = big.get();
  {
    SCOPED_TRACE("4 MiB connection");
    expect_intact_echo(r, bytes);
  }
  // The big connection was dialed (and its echo flowing) before the short one.
  expect_conn_lines(1, bytes);
  expect_conn_lines(2, small);

  // The echo went through db's shaper.
  const auto stats = run_command(bed_->exec("db", {"tc", "-s", "qdisc", "show", "dev", "eth0"}));
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(stats.out, m, std::regex{R"(qdisc tbf [\s\S]*?Sent (\d+) bytes)"}))
      << stats.out;
  EXPECT_GE(std::stoull(m[1].str()), bytes) << stats.out;
}

}  // namespace gatehouse::testing
