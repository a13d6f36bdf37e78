#include "tools/dev_agent/ca_manager.hpp"

#include <spdlog/spdlog.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "tls/certificate.hpp"
#include "tls/spiffe_id.hpp"
#include "tools/dev_agent/go_duration.hpp"

namespace gatehouse::tools {

namespace {

using Result = boost::system::result<void, std::string>;

constexpr std::string_view kDefaultKeyType = "ec";
constexpr int kDefaultEcBits = 256;
constexpr int kDefaultRsaBits = 2048;

nlohmann::json default_provider_config() {
  return {{"LeafCertTTL", "72h"},
          {"IntermediateCertTTL", "8760h"},
          {"RootCertTTL", "87600h"},
          {"PrivateKeyType", kDefaultKeyType},
          {"PrivateKeyBits", kDefaultEcBits}};
}

// calculateSoftExpiry: a uniform instant in [60 %, 90 %] of the lifetime. Consul renews at once
// when the lifetime is under ten minutes; the dev agent keeps the window for its short test
// leaves so a blocking query does not mint a new leaf on every call.
CaManager::Clock::time_point pick_renewal(CaManager::Clock::time_point valid_after,
                                          CaManager::Clock::time_point valid_before) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto lifetime = valid_before - valid_after;
  const double fraction = std::uniform_real_distribution<double>{0.6, 0.9}(rng);
  return valid_after + std::chrono::duration_cast<CaManager::Clock::duration>(
                           lifetime * fraction);
}

std::string ttl_bound_error(std::string_view bound_text, std::chrono::nanoseconds bound) {
  return "leaf cert TTL must be " + std::string{bound_text} + " " + format_go_duration(bound);
}

}  // namespace

CaManager::CaManager(StateStore& store, std::string datacenter)
    : store_{store}, datacenter_{std::move(datacenter)} {}

boost::system::result<tls::CertificateAuthority, std::string> CaManager::create_root(
    const std::string& key_type, int key_bits, const std::string& key_pem, Clock::time_point now) {
  tls::CaOptions options;
  options.cluster_id = cluster_id_;
  options.private_key_type = key_type;
  options.private_key_bits = key_bits;
  options.private_key_pem = key_pem;
  options.serial = next_root_serial_++;
  return tls::CertificateAuthority::create(options, now);
}

Result CaManager::initialize(Clock::time_point now) {
  cluster_id_ = boost::uuids::to_string(boost::uuids::random_generator{}());
  trust_domain_ = cluster_id_ + ".consul";
  auto ca = create_root(std::string{kDefaultKeyType}, kDefaultEcBits, {}, now);
  if (!ca) return Result{boost::system::in_place_error, "creating the CA root: " + ca.error()};
  const auto index = store_.touch(Table::kCaRoots);
  roots_.push_back(Root{std::move(*ca), index, index});
  config_.provider = "consul";
  config_.config = consul::RawJson{default_provider_config()};
  config_.create_index = index;
  config_.modify_index = index;
  SPDLOG_INFO("event=ca_initialized trust_domain={} root_id={}", trust_domain_, active().ca.id());
  return {};
}

consul::CaRoots CaManager::roots() const {
  consul::CaRoots out;
  out.active_root_id = active().ca.id();
  out.trust_domain = trust_domain_;
  for (const auto& r : roots_) {
    consul::CaRoot root;
    root.id = r.ca.id();
    root.name = r.ca.name();
    root.serial_number = r.ca.serial();
    root.signing_key_id = r.ca.signing_key_id();
    root.external_trust_domain = cluster_id_;
    root.not_before = tls::format_rfc3339(r.ca.not_before());
    root.not_after = tls::format_rfc3339(r.ca.not_after());
    root.root_cert = r.ca.root_cert_pem();
    root.active = &r == &active();
    root.private_key_type = r.ca.private_key_type();
    root.private_key_bits = r.ca.private_key_bits();
    root.create_index = r.create_index;
    root.modify_index = r.modify_index;
    out.roots.push_back(std::move(root));
  }
  return out;
}

std::optional<HttpError> CaManager::set_configuration(consul::CaConfiguration config,
                                                      Clock::time_point now) {
  if (config.provider.empty()) config.provider = "consul";
  if (config.provider != "consul") {
    return HttpError::internal("dev agent: only the built-in \"consul\" CA provider is supported");
  }
  auto settings = config.provider_settings();
  if (!settings) return HttpError::internal(settings.error());
  auto ttl = leaf_ttl_;
  if (!settings->leaf_cert_ttl.empty()) {
    auto parsed = parse_go_duration(settings->leaf_cert_ttl);
    if (!parsed) {
      return HttpError::internal("error decoding config: time: invalid duration \"" +
                                 settings->leaf_cert_ttl + "\"");
    }
    if (*parsed < kMinLeafTtl) return HttpError::internal(ttl_bound_error("greater or equal than", kMinLeafTtl));
    if (*parsed > kMaxLeafTtl) return HttpError::internal(ttl_bound_error("less than", kMaxLeafTtl));
    ttl = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  }
  if (!settings->root_cert.empty()) {
    return HttpError::internal("dev agent: a provided RootCert is not supported; set PrivateKey only");
  }
  const auto& current = active().ca;
  const std::string key_type =
      settings->private_key_type.empty() ? current.private_key_type() : settings->private_key_type;
  int key_bits = settings->private_key_bits;
  if (key_bits == 0) {
    key_bits = key_type == current.private_key_type()
                   ? current.private_key_bits()
                   : (key_type == "rsa" ? kDefaultRsaBits : kDefaultEcBits);
  }
  const bool new_key =
      !settings->private_key.empty() && settings->private_key != current.private_key_pem();
  const bool rotate =
      new_key || key_type != current.private_key_type() || key_bits != current.private_key_bits();

  std::optional<tls::CertificateAuthority> next;
  if (rotate) {
    auto ca = create_root(key_type, key_bits, new_key ? settings->private_key : std::string{}, now);
    if (!ca) return HttpError::internal("error generating CA root certificate: " + ca.error());
    next = std::move(*ca);
  }
  leaf_ttl_ = ttl;
  const auto index = store_.touch(Table::kCaRoots);
  config.create_index = config_.create_index;
  config.modify_index = index;
  config_ = std::move(config);
  if (next) {
    roots_.back().modify_index = index;  // no longer active
    roots_.push_back(Root{std::move(*next), index, index});
    SPDLOG_INFO("event=ca_rotated root_id={} roots={}", active().ca.id(), roots_.size());
  }
  return std::nullopt;
}

boost::system::result<CachedLeaf, std::string> CaManager::leaf(const std::string& service,
                                                               Clock::time_point now) {
  const auto& ca = active().ca;
  if (auto it = leaves_.find(service); it != leaves_.end()) {
    // Still signed by the active root and not yet at its renewal point: serve the cached one.
    if (it->second.signing_key_id == ca.signing_key_id() && now < it->second.renew_at) {
      return it->second;
    }
  }
  const auto id = tls::SpiffeId::for_service(trust_domain_, datacenter_, service);
  auto issued = ca.issue_leaf(id, leaf_ttl_, now, next_leaf_serial_++);
  if (!issued) return boost::system::result<CachedLeaf, std::string>{
      boost::system::in_place_error, "issuing the leaf for " + service + ": " + issued.error()};
  const auto index = store_.touch(Table::kLeafCerts);
  CachedLeaf entry;
  entry.cert.serial_number = issued->serial_hex;
  entry.cert.cert_pem = issued->cert_pem;  // a root CA: no intermediates to append
  entry.cert.private_key_pem = issued->private_key_pem;
  entry.cert.service = service;
  entry.cert.service_uri = id.to_string();
  entry.cert.valid_after = tls::format_rfc3339(issued->valid_after);
  entry.cert.valid_before = tls::format_rfc3339(issued->valid_before);
  entry.cert.create_index = index;
  entry.cert.modify_index = index;
  entry.signing_key_id = ca.signing_key_id();
  entry.renew_at = pick_renewal(issued->valid_after, issued->valid_before);
  SPDLOG_INFO("event=leaf_issued service={} serial={} index={}", service, issued->serial_hex, index);
  leaves_.insert_or_assign(service, entry);
  return entry;
}

}  // namespace gatehouse::tools
