#include "tools/dev_agent/catalog.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "consul/sidecar.hpp"
#include "tools/dev_agent/go_duration.hpp"

namespace gatehouse::tools {

using consul::AgentService;
using consul::AgentServiceRegistration;
using consul::HealthCheck;

namespace {

constexpr std::string_view kNodeAddress = "127.0.0.1";

HttpError bad(std::string text) { return HttpError::bad_request(std::move(text)); }

// Go's FNV-1a 64 over the service's JSON, printed as 16 lowercase hex digits: opaque to clients,
// it changes exactly when the definition does.
std::string content_hash(const AgentService& s) {
  const std::string text = nlohmann::json(s).dump();
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  std::array<char, 17> buf{};
  std::snprintf(buf.data(), buf.size(), "%016llx", static_cast<unsigned long long>(h));
  return buf.data();
}

AgentService to_agent_service(const AgentServiceRegistration& reg) {
  AgentService s;
  s.kind = reg.kind;
  s.id = reg.effective_id();
  s.service = reg.name;
  s.tags = reg.tags;
  s.meta = reg.meta;
  s.port = reg.port;
  s.address = reg.address;
  s.socket_path = reg.socket_path;
  s.tagged_addresses = reg.tagged_addresses;
  if (reg.weights) s.weights = *reg.weights;
  s.enable_tag_override = reg.enable_tag_override;
  s.proxy = reg.proxy;
  // The parent keeps Connect only for Native: the sidecar definition becomes its own service.
  if (reg.connect && reg.connect->native) {
    consul::AgentServiceConnect connect;
    connect.native = true;
    s.connect = connect;
  }
  return s;
}

int worst_rank(std::string_view status) {
  if (status == consul::kHealthCritical) return 2;
  if (status == consul::kHealthWarning) return 1;
  return 0;
}

}  // namespace

std::optional<bool> parse_go_bool(std::string_view t) {
  if (t == "1" || t == "t" || t == "T" || t == "TRUE" || t == "true" || t == "True") return true;
  if (t == "0" || t == "f" || t == "F" || t == "FALSE" || t == "false" || t == "False") {
    return false;
  }
  return std::nullopt;
}

Catalog::Catalog(StateStore& store, std::string node_name, std::string datacenter,
                 std::string node_id)
    : store_{store},
      node_name_{std::move(node_name)},
      datacenter_{std::move(datacenter)},
      node_id_{std::move(node_id)} {}

consul::Node Catalog::node() const {
  consul::Node n;
  n.id = node_id_;
  n.node = node_name_;
  n.address = std::string{kNodeAddress};
  n.datacenter = datacenter_;
  n.tagged_addresses = {{"lan", n.address}, {"lan_ipv4", n.address},
                        {"wan", n.address}, {"wan_ipv4", n.address}};
  n.meta = {{"consul-network-segment", ""}};
  n.create_index = 1;
  n.modify_index = 1;
  return n;
}

std::optional<HttpError> Catalog::validate(const AgentServiceRegistration& reg) const {
  if (reg.name.empty()) return bad("Missing service name");
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(reg.address, ec);
  if (!ec && address.is_unspecified()) return bad("Invalid service address");
  const bool proxy = reg.kind == consul::kKindConnectProxy;
  if (proxy) {
    if (!reg.proxy || reg.proxy->destination_service_name.empty()) {
      return bad("Validation failed: Proxy.DestinationServiceName must be non-empty for Connect "
                 "proxy services");
    }
    if (reg.port == 0 && reg.socket_path.empty()) {
      return bad("Validation failed: Port or SocketPath must be set for a connect-proxy");
    }
    if (reg.connect && reg.connect->native) {
      return bad("Validation failed: A Proxy cannot also be Connect Native, only typical services");
    }
  }
  for (const auto& check : reg.all_checks()) {
    const auto type = check.type();
    if (type == "ttl" && !parse_go_duration(check.ttl)) {
      return bad("Invalid check: time: invalid duration \"" + check.ttl + "\"");
    }
    if ((type == "tcp" || type == "http" || type == "udp" || type == "h2ping" ||
         type == "script") &&
        check.interval.empty()) {
      return bad("Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks");
    }
  }
  return std::nullopt;
}

void Catalog::add_checks(const AgentService& service,
                         const std::vector<consul::AgentServiceCheck>& defs,
                         bool replace_existing) {
  if (replace_existing) remove_checks_of(service.id);
  const auto index = store_.touch(Table::kChecks);
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const auto& def = defs[i];
    std::string id = def.check_id;
    if (id.empty()) {
      id = "service:" + service.id;
      if (defs.size() > 1) id += ":" + std::to_string(i + 1);
    }
    LocalCheck c;
    c.check.node = node_name_;
    c.check.check_id = id;
    c.check.name = def.name.empty() ? "Service '" + service.service + "' check" : def.name;
    c.check.notes = def.notes;
    c.check.service_id = service.id;
    c.check.service_name = service.service;
    c.check.service_tags = service.tags;
    c.check.type = def.type();
    c.check.interval = def.interval;
    c.check.timeout = def.timeout;
    c.check.create_index = index;
    c.check.modify_index = index;
    if (c.check.type == "ttl") {
      c.ttl = std::chrono::duration_cast<Clock::duration>(*parse_go_duration(def.ttl));
      c.expires = Clock::now() + *c.ttl;
      c.check.status = def.status.empty() ? std::string{consul::kHealthCritical} : def.status;
    } else if (c.check.type == "alias") {
      c.alias_service = def.alias_service;
      c.check.status = std::string{consul::kHealthPassing};
    } else {
      c.check.status = std::string{consul::kHealthPassing};  // never run by the dev agent
    }
    // A re-registered check keeps its state, as Consul's agent does.
    if (auto old = checks_.find(id); old != checks_.end() && old->second.check.type == c.check.type) {
      c.check.status = old->second.check.status;
      c.check.output = old->second.check.output;
      c.check.create_index = old->second.check.create_index;
      c.expires = old->second.expires;
    }
    checks_.insert_or_assign(id, std::move(c));
  }
}

void Catalog::remove_checks_of(const std::string& service_id) {
  std::erase_if(checks_, [&](const auto& kv) { return kv.second.check.service_id == service_id; });
}

std::optional<HttpError> Catalog::register_service(const AgentServiceRegistration& reg,
                                                   bool replace_existing_checks) {
  if (auto e = validate(reg)) return e;
  std::optional<AgentServiceRegistration> sidecar;
  if (reg.connect && reg.connect->sidecar_service) {
    consul::SidecarPorts ports;
    const std::string sidecar_id = reg.effective_id() + std::string{consul::kSidecarSuffix};
    if (auto it = services_.find(sidecar_id); it != services_.end()) ports.previous = it->second.port;
    ports.in_use = [this, &sidecar_id](int port) {
      return std::ranges::any_of(services_, [&](const auto& kv) {
        return kv.second.is_sidecar_proxy() && kv.first != sidecar_id && kv.second.port == port;
      });
    };
    auto derived = consul::derive_sidecar(reg, ports);
    if (!derived) return bad("Invalid SidecarService: " + derived.error());
    if (auto e = validate(*derived)) {
      return bad("Failed Validation: " + e->body.substr(e->body.find(": ") + 2));
    }
    sidecar = std::move(*derived);
  }
  const auto register_one = [&](const AgentServiceRegistration& r) {
    AgentService s = to_agent_service(r);
    const auto index = store_.touch(Table::kServices);
    auto old = services_.find(s.id);
    s.create_index = old == services_.end() ? index : old->second.create_index;
    s.modify_index = index;
    add_checks(s, r.all_checks(), replace_existing_checks);
    services_.insert_or_assign(s.id, std::move(s));
  };
  register_one(reg);
  if (sidecar) register_one(*sidecar);
  return std::nullopt;
}

bool Catalog::deregister_service(const std::string& id) {
  auto it = services_.find(id);
  if (it == services_.end()) return false;
  services_.erase(it);
  remove_checks_of(id);
  // The sidecar registered through this service's Connect.SidecarService goes with it.
  const std::string sidecar_id = id + std::string{consul::kSidecarSuffix};
  if (auto sc = services_.find(sidecar_id); sc != services_.end() && sc->second.proxy &&
                                             sc->second.proxy->destination_service_id == id) {
    services_.erase(sc);
    remove_checks_of(sidecar_id);
  }
  store_.touch(Table::kServices);
  store_.touch(Table::kChecks);
  return true;
}

std::optional<AgentService> Catalog::service(const std::string& id) const {
  auto it = services_.find(id);
  if (it == services_.end()) return std::nullopt;
  AgentService s = it->second;
  s.create_index = 0;  // omitempty on the agent endpoints
  s.modify_index = 0;
  s.datacenter = datacenter_;
  s.content_hash = content_hash(s);
  return s;
}

std::map<std::string, AgentService> Catalog::services() const {
  std::map<std::string, AgentService> out;
  for (const auto& [id, s] : services_) {
    AgentService copy = s;
    copy.create_index = 0;
    copy.modify_index = 0;
    copy.datacenter = datacenter_;
    out.emplace(id, std::move(copy));
  }
  return out;
}

HealthCheck Catalog::current(const LocalCheck& c) const {
  HealthCheck h = c.check;
  if (c.ttl && Clock::now() >= c.expires && h.status != consul::kHealthCritical) {
    h.status = std::string{consul::kHealthCritical};
    h.output = "TTL expired";
  }
  if (!c.alias_service.empty()) {
    int worst = 0;
    for (const auto& [id, other] : checks_) {
      if (other.check.service_id == c.alias_service && other.alias_service.empty()) {
        worst = std::max(worst, worst_rank(current(other).status));
      }
    }
    static constexpr std::array<std::string_view, 3> kStatus{
        consul::kHealthPassing, consul::kHealthWarning, consul::kHealthCritical};
    h.status = std::string{kStatus[static_cast<std::size_t>(worst)]};
    h.output = worst == 0 ? "All checks passing." : "Aliased service has failing checks.";
  }
  return h;
}

std::map<std::string, HealthCheck> Catalog::checks() const {
  std::map<std::string, HealthCheck> out;
  for (const auto& [id, c] : checks_) {
    HealthCheck h = current(c);
    h.create_index = 0;
    h.modify_index = 0;
    out.emplace(id, std::move(h));
  }
  return out;
}

std::vector<consul::ServiceEntry> Catalog::connect_entries(const std::string& name,
                                                           bool passing_only) const {
  HealthCheck serf;
  serf.node = node_name_;
  serf.check_id = "serfHealth";
  serf.name = "Serf Health Status";
  serf.status = std::string{consul::kHealthPassing};
  serf.output = "Agent alive and reachable";
  serf.create_index = 1;
  serf.modify_index = 1;
  std::vector<consul::ServiceEntry> out;
  for (const auto& [id, s] : services_) {
    const bool sidecar = s.is_sidecar_proxy() && s.proxy && s.proxy->destination_service_name == name;
    const bool native = s.service == name && s.connect && s.connect->native;
    if (!sidecar && !native) continue;
    consul::ServiceEntry entry;
    entry.node = node();
    entry.service = s;
    entry.checks.push_back(serf);
    for (const auto& [cid, c] : checks_) {
      if (c.check.service_id == id) entry.checks.push_back(current(c));
    }
    if (passing_only && !entry.passing()) continue;
    out.push_back(std::move(entry));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Catalog::service_names() const {
  std::map<std::string, std::set<std::string>> tags{{"consul", {}}};
  for (const auto& [id, s] : services_) tags[s.service].insert(s.tags.begin(), s.tags.end());
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [name, set] : tags) out.emplace(name, std::vector<std::string>(set.begin(), set.end()));
  return out;
}

std::optional<HttpError> Catalog::update_ttl_check(const std::string& check_id,
                                                   std::string_view status, std::string output) {
  auto it = checks_.find(check_id);
  if (it == checks_.end() || !it->second.ttl) {
    return HttpError::internal("CheckID \"" + check_id + "\" does not have associated TTL");
  }
  auto& c = it->second;
  c.check.status = std::string{status};
  c.check.output = std::move(output);
  c.expires = Clock::now() + *c.ttl;
  c.check.modify_index = store_.touch(Table::kChecks);
  return std::nullopt;
}

}  // namespace gatehouse::tools
