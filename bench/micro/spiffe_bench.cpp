// Parsing a caller's URI SAN: done once per inbound connection.
#include <benchmark/benchmark.h>

#include "tls/spiffe_id.hpp"

namespace gatehouse::tls {
namespace {

void BM_SpiffeParseService(benchmark::State& state) {
  const std::string uri =
      "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web";
  for (auto _ : state) {
    auto id = SpiffeId::parse(uri);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_SpiffeParseService);

void BM_SpiffeParsePercentEncoded(benchmark::State& state) {
  const std::string uri =
      "spiffe://11111111-2222-3333-4444-555555555555.consul/ap/part%2Done/ns/team%2Da/dc/dc1/svc/"
      "billing%2Dapi";
  for (auto _ : state) {
    auto id = SpiffeId::parse(uri);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_SpiffeParsePercentEncoded);

}  // namespace
}  // namespace gatehouse::tls
