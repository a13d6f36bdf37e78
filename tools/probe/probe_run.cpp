#include "tools/probe/probe_run.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <map>
#include <memory>
#include <optional>

#include "consul/agent_client.hpp"
#include "consul/failure.hpp"
#include "consul/intention_match.hpp"
#include "proxy/tls_material.hpp"
#include "tools/probe/pair_plan.hpp"
#include "tools/probe/prober.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using consul::Failure;

namespace {

template <class T>
using Result = boost::system::result<T, std::string>;

// Where a pair's connection goes, or why it cannot go anywhere.
struct Target {
  std::optional<DialTarget> dial;
  tls::ServiceIdentity expected;  // direct mode only
  std::string failure;
};

struct Plan {
  ProbeReport report;           // pairs with expected/policy/intention filled in
  std::vector<Target> targets;  // one per report pair
  std::map<std::string, std::shared_ptr<const tls::TlsContext>> clients;  // per source
};

std::string agent_error(const std::string& what, const consul::ApiError& e) {
  return what + ": " + e.message();
}

std::uint16_t to_port(int port) {
  return port > 0 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
}

// Every service with a Connect sidecar or Connect-native instance.
net::awaitable<Result<std::vector<std::string>>> connect_services(consul::AgentClient& agent) {
  auto services = co_await agent.catalog_services();
  if (!services) co_return Failure{agent_error("catalog services", services.error())};
  std::vector<std::string> out;
  for (const auto& [name, tags] : *services) {
    auto instances = co_await agent.health_connect(name, false, consul::BlockingQuery{});
    if (!instances) co_return Failure{agent_error("health connect " + name, instances.error())};
    if (!instances->value.empty()) out.push_back(name);
  }
  co_return out;
}

// Direct mode: the destination's first passing sidecar (or native) instance.
net::awaitable<Result<Target>> destination_target(consul::AgentClient& agent,
                                                  const std::string& destination,
                                                  const std::string& trust_domain) {
  auto instances = co_await agent.health_connect(destination);
  if (!instances) {
    co_return Failure{agent_error("health connect " + destination, instances.error())};
  }
  Target target;
  if (instances->value.empty()) {
    target.failure = "no healthy instance of " + destination + " in /v1/health/connect/" +
                     destination + "?passing";
    co_return target;
  }
  const auto& entry = instances->value.front();
  target.dial = DialTarget{entry.dial_address(), to_port(entry.service.port)};
  target.expected.trust_domain = trust_domain;
  target.expected.datacenter = entry.node.datacenter;
  target.expected.service = entry.identity_service();
  co_return target;
}

// Via-upstream mode: the source sidecar's upstream listener for `destination`.
Target upstream_target(const std::vector<consul::ServiceEntry>& source_instances,
                       const std::string& source, const std::string& destination) {
  for (const auto& entry : source_instances) {
    if (!entry.service.is_sidecar_proxy() || !entry.service.proxy) continue;
    for (const auto& up : entry.service.proxy->upstreams) {
      if (up.destination_name != destination || up.effective_type() != consul::kUpstreamService) {
        continue;
      }
      Target target;
      const std::string host = up.local_bind_address.empty() ? "127.0.0.1" : up.local_bind_address;
      target.dial = DialTarget{host, to_port(up.local_bind_port)};
      return target;
    }
  }
  Target target;
  target.failure = "no sidecar of " + source + " has an upstream for " + destination;
  return target;
}

std::string first_matching(const std::vector<consul::Intention>& by_source,
                           const std::string& destination) {
  consul::ServiceRef dst;
  dst.name = destination;
  const auto it = std::ranges::find_if(
      by_source, [&](const consul::Intention& i) { return consul::destination_matches(i, dst); });
  return it == by_source.end() ? std::string{} : it->to_cli_string();
}

net::awaitable<Result<Plan>> prepare(consul::AgentClient& agent, ProbeSettings settings) {
  Plan plan;
  plan.report.mode = settings.mode;
  const bool explicit_lists = !settings.sources.empty() && !settings.destinations.empty();
  if (settings.sources.empty() || settings.destinations.empty()) {
    auto found = co_await connect_services(agent);
    if (!found) co_return Failure{found.error()};
    if (found->empty()) {
      co_return Failure{
          "no service with a Connect sidecar or Connect-native instance in the catalog"};
    }
    if (settings.sources.empty()) settings.sources = *found;
    if (settings.destinations.empty()) settings.destinations = *found;
  }
  plan.report.sources = sorted_unique(settings.sources);
  plan.report.destinations = sorted_unique(settings.destinations);
  const auto pairs = plan_pairs(settings.sources, settings.destinations, explicit_lists);

  auto roots = co_await agent.ca_roots();
  if (!roots) co_return Failure{agent_error("CA roots", roots.error())};

  auto matches = co_await agent.intention_match(consul::MatchBy::source, plan.report.sources,
                                                consul::BlockingQuery{});
  if (!matches) co_return Failure{agent_error("intentions match", matches.error())};

  std::map<std::string, Target> direct_targets;
  std::map<std::string, std::vector<consul::ServiceEntry>> source_instances;
  for (const auto& src : plan.report.sources) {
    if (settings.mode == ProbeMode::direct) {
      auto leaf = co_await agent.leaf_cert(src);
      if (!leaf) co_return Failure{agent_error("leaf certificate of " + src, leaf.error())};
      auto contexts = proxy::build_contexts(leaf->value, roots->value, src);
      if (!contexts) co_return Failure{"TLS context for " + src + ": " + contexts.error()};
      plan.clients[src] = contexts->client;
    } else {
      auto instances = co_await agent.health_connect(src, false, consul::BlockingQuery{});
      if (!instances) co_return Failure{agent_error("health connect " + src, instances.error())};
      source_instances[src] = std::move(instances->value);
    }
  }
  if (settings.mode == ProbeMode::direct) {
    for (const auto& dst : plan.report.destinations) {
      auto target = co_await destination_target(agent, dst, roots->value.trust_domain);
      if (!target) co_return Failure{target.error()};
      direct_targets[dst] = std::move(*target);
    }
  }

  for (const auto& pair : pairs) {
    auto allowed = co_await agent.intention_check(pair.source, pair.destination);
    if (!allowed) {
      co_return Failure{agent_error("intentions check " + pair.source + " -> " + pair.destination,
                                    allowed.error())};
    }
    PairResult result;
    result.source = pair.source;
    result.destination = pair.destination;
    result.expected = *allowed ? Verdict::allow : Verdict::deny;
    if (settings.expect) result.policy = settings.expect->lookup(pair.source, pair.destination);
    if (const auto it = matches->value.find(pair.source); it != matches->value.end()) {
      result.intention = first_matching(it->second, pair.destination);
    }
    Target target =
        settings.mode == ProbeMode::direct
            ? direct_targets[pair.destination]
            : upstream_target(source_instances[pair.source], pair.source, pair.destination);
    if (target.dial) result.target = target.dial->label();
    plan.report.pairs.push_back(std::move(result));
    plan.targets.push_back(std::move(target));
  }
  co_return plan;
}

net::awaitable<ConnectionFacts> observe(Target target,
                                        std::shared_ptr<const tls::TlsContext> client,
                                        ProbeMode mode, std::chrono::milliseconds connect_timeout,
                                        std::chrono::milliseconds settle, Exchange exchange) {
  const bool tls = mode == ProbeMode::direct;
  if (!target.dial) {
    ConnectionFacts facts;
    facts.failure = target.failure;
    facts.tls = tls;
    facts.settle = settle;
    co_return facts;
  }
  if (tls) {
    co_return co_await probe_mtls(*target.dial, std::move(client), target.expected, connect_timeout,
                                  settle, std::move(exchange));
  }
  co_return co_await probe_plain(*target.dial, connect_timeout, settle, std::move(exchange));
}

}  // namespace

boost::system::result<ProbeReport, std::string> run_probe(const consul::AgentConfig& agent_config,
                                                          const ProbeSettings& settings) {
  net::io_context io;
  consul::AgentClient agent{io.get_executor(), agent_config};
  agent.set_request_timeout(std::chrono::seconds{10});

  std::optional<Result<Plan>> prepared;
  net::co_spawn(io, prepare(agent, settings),
                [&prepared, &io](const std::exception_ptr& e, Result<Plan> plan) {
                  io.stop();  // the agent client may keep idle connections (work) alive
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      prepared = Failure{std::string{"unexpected error: "} + ex.what()};
                    }
                    return;
                  }
                  prepared = std::move(plan);
                });
  io.run();
  if (!prepared) return Failure{"the probe did not finish"};
  if (!*prepared) return Failure{prepared->error()};
  Plan& plan = **prepared;

  // Every pair at once: the run lasts about one settle window (with a request: until the slowest
  // reply), whatever the number of pairs.
  const std::shared_ptr<const ProbeRequest> request =
      settings.request ? std::make_shared<const ProbeRequest>(*settings.request) : nullptr;
  std::vector<std::optional<ConnectionFacts>> facts(plan.report.pairs.size());
  std::size_t pending = facts.size();
  for (std::size_t i = 0; i < plan.report.pairs.size(); ++i) {
    const auto& pair = plan.report.pairs[i];
    auto client = plan.clients[pair.source];
    net::co_spawn(
        io,
        observe(plan.targets[i], std::move(client), settings.mode, settings.connect_timeout,
                settings.settle, Exchange{request, pair.destination}),
        [&facts, &pending, &io, i, settle = settings.settle](const std::exception_ptr& e,
                                                             ConnectionFacts f) {
          if (e) {
            f = ConnectionFacts{};
            f.failure = "unexpected error while probing";
            f.settle = settle;
          }
          facts[i] = std::move(f);
          if (--pending == 0) io.stop();
        });
  }
  io.restart();
  if (pending > 0) io.run();
  for (std::size_t i = 0; i < facts.size(); ++i) {
    plan.report.pairs[i].observed = facts[i] ? classify(*facts[i], request.get())
                                             : Observation{Verdict::unreachable, "not probed"};
  }
  return std::move(plan.report);
}

}  // namespace gatehouse::tools
