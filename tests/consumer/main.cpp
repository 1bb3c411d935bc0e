// Built by tests/consumer/run.sh against the installed package; prints the library version.
#include <voip/log.hpp>
#include <voip/version.hpp>

#include <cstdio>
#include <string>

int main() {
    std::string seen;
    voip::log::set_level(voip::log::Level::info);
    voip::log::set_sink([&](voip::log::Level, std::string_view component, std::string_view text) {
        seen = std::string(component) + ": " + std::string(text);
    });
    voip::log::info("consumer", "linked against libvoip {}", voip::version());
    std::puts(seen.c_str());
    return seen.empty() ? 1 : 0;
}
