// Boost.URL's compiled parts, built once for this library (Debian ships no libboost_url).
#include <boost/url/src.hpp>
