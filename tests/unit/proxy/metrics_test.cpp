#include "proxy/metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "proxy/label_cap.hpp"
#include "proxy/latency_histogram.hpp"
#include "proxy/metrics_scrape.hpp"

namespace gatehouse::proxy {
namespace {

ConnRecord inbound(Outcome outcome, std::string src, std::string intention,
                   DecisionSource source = DecisionSource::agent, std::int64_t authz_us = 100) {
  ConnRecord r;
  r.direction = Direction::inbound;
  r.outcome = outcome;
  r.src_service = std::move(src);
  r.dst_service = "db";
  r.intention = std::move(intention);
  r.decision_source = source;
  r.authz_us = authz_us;
  return r;
}

std::string text_of(const SidecarMetrics& metrics) {
  prometheus::TextWriter out;
  metrics.write(out);
  return out.take();
}

// The sample lines of `name` (exactly that metric name, any labels), in order.
std::vector<std::string> samples(const std::string& text, const std::string& name) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (line.starts_with(name + "{") || line.starts_with(name + " ")) lines.push_back(line);
  }
  return lines;
}

TEST(SidecarMetrics, OneCounterPerLabelTuple) {
  SidecarMetrics m;
  for (std::uint64_t id = 1; id <= 3; ++id) {
    auto r = inbound(Outcome::accepted, "web", "web => db");
    r.conn_id = id;  // different shards: merged at scrape time
    m.observe(r);
  }
  m.observe(inbound(Outcome::denied, "api", "default", DecisionSource::local));
  auto failed = inbound(Outcome::failed, "", "", DecisionSource::none, -1);
  failed.reason = "handshake_timeout: no complete TLS handshake within 10000 ms";
  m.observe(failed);
  ConnRecord out;
  out.direction = Direction::outbound;
  out.outcome = Outcome::accepted;
  out.src_service = "db";
  out.dst_service = "cache";
  m.observe(out);

  const std::vector<std::string> expected{
      R"(gatehouse_connections_total{direction="inbound",outcome="accepted",src_service="web",dst_service="db",intention="web => db",decision_source="agent"} 3)",
      R"(gatehouse_connections_total{direction="inbound",outcome="denied",src_service="api",dst_service="db",intention="default",decision_source="local"} 1)",
      R"(gatehouse_connections_total{direction="inbound",outcome="failed",src_service="",dst_service="db",intention="none",decision_source="none"} 1)",
      R"(gatehouse_connections_total{direction="outbound",outcome="accepted",src_service="db",dst_service="cache",intention="none",decision_source="none"} 1)",
  };
  const auto text = text_of(m);
  EXPECT_EQ(samples(text, "gatehouse_connections_total"), expected) << text;
  EXPECT_NE(text.find("# TYPE gatehouse_connections_total counter\n"), std::string::npos);
}

TEST(SidecarMetrics, LabelValuesAreEscaped) {
  SidecarMetrics m;
  m.observe(inbound(Outcome::accepted, "we\"b\\\n", "x"));
  const auto lines = samples(text_of(m), "gatehouse_connections_total");
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find(R"(src_service="we\"b\\\n")"), std::string::npos) << lines[0];
}

TEST(SidecarMetrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  SidecarMetrics m;
  for (const std::int64_t us : {5, 10, 11, 700, 3'000'000}) {
    m.observe(inbound(Outcome::accepted, "web", "web => db", DecisionSource::agent, us));
  }
  m.observe(inbound(Outcome::denied, "web", "default", DecisionSource::local, 20));
  m.observe(inbound(Outcome::failed, "", "", DecisionSource::none, -1));  // not authorized
  const auto text = text_of(m);
  const std::string b = "gatehouse_authorize_duration_seconds_bucket";
  const std::vector<std::string> agent{
      b + R"({decision_source="agent",le="0.00001"} 2)",
      b + R"({decision_source="agent",le="0.00005"} 3)",
      b + R"({decision_source="agent",le="0.0001"} 3)",
      b + R"({decision_source="agent",le="0.00025"} 3)",
      b + R"({decision_source="agent",le="0.0005"} 3)",
      b + R"({decision_source="agent",le="0.001"} 4)",
      b + R"({decision_source="agent",le="0.0025"} 4)",
      b + R"({decision_source="agent",le="0.005"} 4)",
      b + R"({decision_source="agent",le="0.01"} 4)",
      b + R"({decision_source="agent",le="0.025"} 4)",
      b + R"({decision_source="agent",le="0.05"} 4)",
      b + R"({decision_source="agent",le="0.1"} 4)",
      b + R"({decision_source="agent",le="0.25"} 4)",
      b + R"({decision_source="agent",le="1"} 4)",
      b + R"({decision_source="agent",le="2.5"} 4)",
      b + R"({decision_source="agent",le="+Inf"} 5)",
  };
  auto buckets = samples(text, b);
  ASSERT_EQ(buckets.size(), 2 * agent.size()) << text;  // agent, then local; none has no sample
  EXPECT_EQ(std::vector<std::string>(buckets.begin(), buckets.begin() + 16), agent);
  EXPECT_EQ(buckets[16], b + R"({decision_source="local",le="0.00001"} 0)");
  EXPECT_EQ(buckets[17], b + R"({decision_source="local",le="0.00005"} 1)");
  EXPECT_EQ(buckets[31], b + R"({decision_source="local",le="+Inf"} 1)");
  EXPECT_EQ(samples(text, "gatehouse_authorize_duration_seconds_sum"),
            (std::vector<std::string>{
                R"(gatehouse_authorize_duration_seconds_sum{decision_source="agent"} 3.000726)",
                R"(gatehouse_authorize_duration_seconds_sum{decision_source="local"} 2e-05)"}));
  EXPECT_EQ(samples(text, "gatehouse_authorize_duration_seconds_count"),
            (std::vector<std::string>{
                R"(gatehouse_authorize_duration_seconds_count{decision_source="agent"} 5)",
                R"(gatehouse_authorize_duration_seconds_count{decision_source="local"} 1)"}));
}

TEST(SidecarMetrics, AtMostTheLimitOfDistinctLabelValuesTheRestAreOther) {
  SidecarMetrics m{3};
  for (int i = 0; i < 5; ++i) {
    m.observe(inbound(Outcome::accepted, "svc" + std::to_string(i),
                      "svc" + std::to_string(i) + " => db"));
  }
  m.observe(inbound(Outcome::accepted, "svc1", "svc1 => db"));  // admitted before: kept
  const auto lines = samples(text_of(m), "gatehouse_connections_total");
  const auto line = [](const std::string& src, const std::string& intention, int n) {
    return R"(gatehouse_connections_total{direction="inbound",outcome="accepted",src_service=")" +
           src + R"(",dst_service="db",intention=")" + intention +
           R"(",decision_source="agent"} )" + std::to_string(n);
  };
  const std::vector<std::string> expected{
      line("other", "other", 2),
      line("svc0", "svc0 => db", 1),
      line("svc1", "svc1 => db", 2),
      line("svc2", "svc2 => db", 1),
  };
  auto sorted = lines;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected);
}

// Workers observe while the control thread scrapes (the tsan preset runs this too): no count
// is lost, and every scrape in between is well-formed enough to list its samples.
TEST(SidecarMetrics, ObserveFromManyThreadsWhileScraping) {
  SidecarMetrics m;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::atomic<bool> done{false};
  std::thread scraper{[&] {
    while (!done.load()) (void)text_of(m);
  }};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&m, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = inbound(i % 2 == 0 ? Outcome::accepted : Outcome::denied,
                         "svc" + std::to_string(i % 7), "default", DecisionSource::agent, i);
        r.conn_id = static_cast<std::uint64_t>(t * kPerThread + i);
        r.bytes_in = 1;
        m.observe(r);
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  scraper.join();
  const auto text = text_of(m);
  std::uint64_t total = 0;
  for (const auto& line : samples(text, "gatehouse_connections_total")) {
    total += std::stoull(line.substr(line.rfind(' ') + 1));
  }
  EXPECT_EQ(total, std::uint64_t{kThreads * kPerThread});
  EXPECT_EQ(samples(text, "gatehouse_connections_total").size(), 14U);  // 7 callers x 2 outcomes
  EXPECT_EQ(samples(text, "gatehouse_authorize_duration_seconds_count"),
            (std::vector<std::string>{
                R"(gatehouse_authorize_duration_seconds_count{decision_source="agent"} 8000)"}));
  EXPECT_EQ(samples(text, "gatehouse_bytes_received_total")[0],
            R"(gatehouse_bytes_received_total{direction="inbound"} 8000)");
}

TEST(LabelCap, AdmitsUpToTheLimitFromManyThreads) {
  LabelCap cap{50};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cap, t] {
      for (int i = 0; i < 100; ++i) (void)cap.admit("v" + std::to_string((i * 7 + t) % 100));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(cap.size(), 50U);
  EXPECT_EQ(cap.admit("other"), "other");
  EXPECT_EQ(cap.size(), 50U);
}

TEST(HandshakeFailures, ReasonsMapToAFixedSetOfClasses) {
  EXPECT_EQ(classify_handshake_failure("handshake_timeout: no complete TLS handshake within 10 ms"),
            HandshakeFailure::timeout);
  EXPECT_EQ(classify_handshake_failure(
                "handshake_limit: 64 TLS handshakes already in progress on this worker"),
            HandshakeFailure::limit);
  EXPECT_EQ(classify_handshake_failure("identity: peer certificate is not a service identity"),
            HandshakeFailure::identity);
  EXPECT_EQ(classify_handshake_failure(
                "handshake: certificate verify failed (SSL routines); verify: certificate has "
                "expired; alert_sent: certificate expired"),
            HandshakeFailure::certificate);
  EXPECT_EQ(
      classify_handshake_failure("handshake: peer did not return a certificate (SSL routines)"),
      HandshakeFailure::certificate);
  EXPECT_EQ(classify_handshake_failure("handshake: tlsv1 alert unknown ca (SSL routines)"),
            HandshakeFailure::certificate);
  EXPECT_EQ(classify_handshake_failure("handshake: wrong version number (SSL routines)"),
            HandshakeFailure::protocol);
  EXPECT_EQ(classify_handshake_failure("handshake: End of file"), HandshakeFailure::protocol);
  EXPECT_EQ(classify_handshake_failure("handshake:"), HandshakeFailure::other);
  EXPECT_EQ(classify_handshake_failure("not_ready: no TLS certificate loaded yet"), std::nullopt);
  EXPECT_EQ(classify_handshake_failure("connect_app 127.0.0.1:1: Connection refused"),
            std::nullopt);
  EXPECT_EQ(classify_handshake_failure("ACL not found"), std::nullopt);
}

TEST(SidecarMetrics, HandshakeFailuresAndBytes) {
  SidecarMetrics m;
  auto failed = inbound(Outcome::failed, "", "", DecisionSource::none, -1);
  failed.reason = "handshake: wrong version number (SSL routines)";
  m.observe(failed);
  m.observe(failed);
  failed.direction = Direction::outbound;  // an upstream's failure is not an inbound handshake
  m.observe(failed);
  auto in = inbound(Outcome::accepted, "web", "web => db");
  in.bytes_in = 10;
  in.bytes_out = 200;
  m.observe(in);
  ConnRecord out;
  out.direction = Direction::outbound;
  out.bytes_in = 3000;
  out.bytes_out = 40000;
  m.observe(out);
  const auto text = text_of(m);
  EXPECT_EQ(samples(text, "gatehouse_handshake_failures_total"),
            (std::vector<std::string>{
                R"(gatehouse_handshake_failures_total{reason="timeout"} 0)",
                R"(gatehouse_handshake_failures_total{reason="certificate"} 0)",
                R"(gatehouse_handshake_failures_total{reason="protocol"} 2)",
                R"(gatehouse_handshake_failures_total{reason="identity"} 0)",
                R"(gatehouse_handshake_failures_total{reason="limit"} 0)",
                R"(gatehouse_handshake_failures_total{reason="other"} 0)",
            }));
  EXPECT_EQ(
      samples(text, "gatehouse_bytes_received_total"),
      (std::vector<std::string>{R"(gatehouse_bytes_received_total{direction="inbound"} 10)",
                                R"(gatehouse_bytes_received_total{direction="outbound"} 3000)"}));
  EXPECT_EQ(
      samples(text, "gatehouse_bytes_sent_total"),
      (std::vector<std::string>{R"(gatehouse_bytes_sent_total{direction="inbound"} 200)",
                                R"(gatehouse_bytes_sent_total{direction="outbound"} 40000)"}));
}

TEST(SidecarMetrics, RootExpiryPerRoot) {
  SidecarMetrics m;
  const std::chrono::system_clock::time_point t{std::chrono::seconds{1'900'000'000}};
  m.set_roots({{"aa:bb", t}, {"cc:dd", t + std::chrono::seconds{1}}});
  EXPECT_EQ(samples(text_of(m), "gatehouse_root_expiry_timestamp_seconds"),
            (std::vector<std::string>{
                R"(gatehouse_root_expiry_timestamp_seconds{root_id="aa:bb"} 1900000000)",
                R"(gatehouse_root_expiry_timestamp_seconds{root_id="cc:dd"} 1900000001)"}));
  m.set_roots({});
  EXPECT_TRUE(samples(text_of(m), "gatehouse_root_expiry_timestamp_seconds").empty());
}

TEST(ScrapeMetrics, RuntimeGaugesAndWatchHealth) {
  Runtime runtime;
  runtime.watch_health.failure("roots", "refused");
  runtime.watch_health.success("leaf");
  const auto text = scrape_metrics(runtime);
  EXPECT_EQ(samples(text, "gatehouse_active_connections"),
            (std::vector<std::string>{"gatehouse_active_connections 0"}));
  EXPECT_TRUE(samples(text, "gatehouse_leaf_expiry_timestamp_seconds").empty());  // no leaf yet
  EXPECT_EQ(samples(text, "gatehouse_watch_errors_total"),
            (std::vector<std::string>{R"(gatehouse_watch_errors_total{watch="leaf"} 0)",
                                      R"(gatehouse_watch_errors_total{watch="roots"} 1)"}));
  const auto last = samples(text, "gatehouse_watch_last_success_timestamp_seconds");
  ASSERT_EQ(last.size(), 1U);
  EXPECT_TRUE(
      last[0].starts_with(R"(gatehouse_watch_last_success_timestamp_seconds{watch="leaf"} )"));
  EXPECT_EQ(samples(text, "gatehouse_log_lines_dropped_total").size(), 1U);
  EXPECT_NE(text.find("# TYPE gatehouse_active_connections gauge\n"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::proxy
