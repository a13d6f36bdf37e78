// -authz local's per-connection decision (proxy::decide_locally: the caller's SPIFFE identity
// against the destination's prepared intentions, first match by precedence, Consul's reason
// string) over 1000 intentions, with its latency distribution: every call is timed on its own and
// the run reports p50, p99 and max in microseconds beside Google Benchmark's mean.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "consul/intention_match.hpp"
#include "proxy/local_authorizer.hpp"

namespace gatehouse::proxy {
namespace {

using Clock = std::chrono::steady_clock;

// 999 exact sources into db and a wildcard deny, in evaluation order as the match endpoint
// returns them.
std::vector<consul::Intention> thousand_intentions_into_db() {
  std::vector<consul::Intention> all;
  for (int n = 0; n < 999; ++n) {
    consul::Intention i;
    i.source_name = "svc" + std::to_string(n);
    i.destination_name = "db";
    i.action = std::string{consul::kActionAllow};
    i.update_precedence();
    all.push_back(std::move(i));
  }
  consul::Intention wildcard;
  wildcard.source_name = "*";
  wildcard.destination_name = "db";
  wildcard.action = std::string{consul::kActionDeny};
  wildcard.update_precedence();
  all.push_back(std::move(wildcard));
  consul::sort_intentions(all);
  return all;
}

void report_percentiles(benchmark::State& state, std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) {
    return micros[std::min(micros.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(micros.size())))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = micros.back();
}

// `caller`: svc500 matches half-way down the list; web falls through to the wildcard (the
// whole list is scanned, the worst case).
void BM_DecideLocally1000(benchmark::State& state, const char* caller_name) {
  const auto matches = thousand_intentions_into_db();
  const IntentionIndex intentions{matches};
  tls::ServiceIdentity caller;
  caller.trust_domain = "11111111-2222-3333-4444-555555555555.consul";
  caller.datacenter = "dc1";
  caller.service = caller_name;
  std::vector<double> micros;
  micros.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = Clock::now();
    auto verdict = decide_locally(intentions, caller, DecisionSource::local);
    benchmark::DoNotOptimize(verdict);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  report_percentiles(state, micros);
}
BENCHMARK_CAPTURE(BM_DecideLocally1000, middle_match, "svc500");
BENCHMARK_CAPTURE(BM_DecideLocally1000, wildcard_after_all, "web");

}  // namespace
}  // namespace gatehouse::proxy
