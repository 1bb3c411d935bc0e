#pragma once
// The spandsp headers we use, in the order they need: g711.h uses top_bit() from
// bit_operations.h without including it, and <spandsp.h> itself pulls in libtiff.

#include <cstdint>
#include <cstdio>

// clang-format off
#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
#include <spandsp/plc.h>
#include <spandsp/queue.h>
#include <spandsp/tone_generate.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
// clang-format on
