#include "tls/certificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>

#include "tls/colon_hex.hpp"
#include "tls/openssl_error.hpp"

namespace gatehouse::tls {
namespace {

std::string_view asn1_string_view(const ASN1_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          static_cast<std::size_t>(ASN1_STRING_length(s))};
}

std::vector<std::string> sans_of_type(const X509* cert, int type) {
  std::vector<std::string> out;
  GeneralNamesPtr names{
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))};
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == type) {
      // GEN_URI and GEN_DNS both hold an IA5STRING.
      out.emplace_back(asn1_string_view(name->d.ia5));
    }
  }
  return out;
}

// X.509 times reach the year 9999; system_clock (nanoseconds in 64 bits) ends in 2262. A time
// beyond its range is clamped to the end of the range instead of overflowing.
std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  using namespace std::chrono;
  using Clock = system_clock;
  const year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                           day{static_cast<unsigned>(tm.tm_mday)}};
  const sys_seconds when =
      sys_days{ymd} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
  if (when > floor<seconds>(Clock::time_point::max())) return Clock::time_point::max();
  if (when < ceil<seconds>(Clock::time_point::min())) return Clock::time_point::min();
  return time_point_cast<Clock::duration>(when);
}

}  // namespace

boost::system::result<std::vector<X509Ptr>, std::string> parse_pem_chain(std::string_view pem) {
  if (pem.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return std::string{"PEM bundle too large"};
  }
  BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (!bio) return openssl_error("cannot read PEM bundle");
  std::vector<X509Ptr> out;
  ERR_clear_error();
  for (;;) {
    X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
    if (!cert) break;
    out.push_back(std::move(cert));
  }
  // Running out of PEM blocks is the normal end; anything else is a broken block.
  const unsigned long err = ERR_peek_last_error();
  if (err != 0 &&
      !(ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE)) {
    return openssl_error("invalid certificate in PEM bundle");
  }
  ERR_clear_error();
  if (out.empty()) return std::string{"no certificate found in PEM bundle"};
  return out;
}

std::string to_pem(const X509* cert) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(len)};
}

std::string serial_colon_hex(const X509* cert) {
  BignumPtr bn{ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)};
  if (!bn) return {};
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), bytes.data());
  return colon_hex(bytes);
}

std::vector<std::string> uri_sans(const X509* cert) { return sans_of_type(cert, GEN_URI); }
std::vector<std::string> dns_sans(const X509* cert) { return sans_of_type(cert, GEN_DNS); }

std::chrono::system_clock::time_point not_before(const X509* cert) {
  return to_time_point(X509_get0_notBefore(cert));
}
std::chrono::system_clock::time_point not_after(const X509* cert) {
  return to_time_point(X509_get0_notAfter(cert));
}

std::string sha1_fingerprint_colon_hex(const X509* cert) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha1(), md.data(), &len) != 1) return {};
  return colon_hex(std::span{md.data(), len});
}

std::string subject_key_id_colon_hex(const X509* cert) {
  // X509_get0_subject_key_id() needs a non-const X509 (it caches extensions); read it ourselves.
  Asn1OctetStringPtr skid{static_cast<ASN1_OCTET_STRING*>(
      X509_get_ext_d2i(cert, NID_subject_key_identifier, nullptr, nullptr))};
  if (!skid) return {};
  const auto view = asn1_string_view(skid.get());
  return colon_hex(std::span{reinterpret_cast<const std::uint8_t*>(view.data()), view.size()});
}

std::string format_rfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto days = floor<std::chrono::days>(secs);
  const year_month_day ymd{days};
  const hh_mm_ss hms{secs - days};
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf.data();
}

}  // namespace gatehouse::tls
