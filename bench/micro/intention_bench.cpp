// The intention decision for one caller (local authorization's per-connection work): match the
// destination's intentions, then decide.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "consul/intention_decision.hpp"
#include "consul/intention_match.hpp"

namespace gatehouse::consul {
namespace {

Intention make(std::string source, std::string destination, std::string_view action) {
  Intention i;
  i.source_ns = "default";
  i.source_name = std::move(source);
  i.destination_ns = "default";
  i.destination_name = std::move(destination);
  i.action = std::string{action};
  i.update_precedence();
  return i;
}

// `count` intentions into `db` from other services, a wildcard deny, and none for `web`:
// the caller falls through to the wildcard, the worst case for a first-match scan.
std::vector<Intention> intentions_into_db(int count) {
  std::vector<Intention> all;
  for (int n = 0; n < count; ++n) all.push_back(make("svc" + std::to_string(n), "db", kActionAllow));
  all.push_back(make("*", "db", kActionDeny));
  return all;
}

void BM_DecideFromDestinationMatches(benchmark::State& state) {
  const auto all = intentions_into_db(static_cast<int>(state.range(0)));
  const ServiceRef db{"default", "db", ""};
  const auto matches = match_intentions(all, MatchBy::destination, db);
  const ServiceRef web{"default", "web", ""};
  const DecisionDefaults defaults;
  for (auto _ : state) {
    auto decision = decide(matches, web, defaults);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_DecideFromDestinationMatches)->Arg(1)->Arg(10)->Arg(100);

void BM_MatchThenDecide(benchmark::State& state) {
  const auto all = intentions_into_db(static_cast<int>(state.range(0)));
  const ServiceRef db{"default", "db", ""};
  const ServiceRef web{"default", "web", ""};
  const DecisionDefaults defaults;
  for (auto _ : state) {
    const auto matches = match_intentions(all, MatchBy::destination, db);
    auto decision = decide(matches, web, defaults);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_MatchThenDecide)->Arg(10)->Arg(100);

}  // namespace
}  // namespace gatehouse::consul
