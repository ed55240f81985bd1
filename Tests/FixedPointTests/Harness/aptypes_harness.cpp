// Differential-test harness for the FixedPoint module: runs the real ap_types headers.
//
// Built by Tests/FixedPointTests/APTypesHarness.swift. That test generates "table units" (C++ files
// that define APTYPES_HARNESS_TABLES, include this file, and list template instantiations with a
// global index each); this file compiled plainly is the main unit. Several table units compile in
// parallel, then everything links into one executable.
//
// Protocol: one request per stdin line, one answer per stdout line, in order.
//   Q <i> <hex double bits>   -> "<hi> <lo>": T y = d; for quantize entry i (T's W-bit pattern,
//                                zero-extended, as two 64-bit hex words)
//   C <i> <hi> <lo>           -> "<hi> <lo>": S x (bits set from the pattern); T y = x; for entry i
//   R <i>                     -> "W I S INT" for decltype(a + b), decltype(a - b), decltype(a * b)
// Anything unknown answers "ERR <reason>".

#include <ap_fixed.h>
#include <ap_int.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

struct Bits {
  uint64_t hi, lo;
};

struct TypeInfo {
  int width, iwidth;
  bool isSigned, isInteger;
};

typedef Bits (*QuantFn)(double);
typedef Bits (*ConvFn)(Bits);
typedef void (*RTypeFn)(TypeInfo out[3]);

struct QuantEntry { int index; QuantFn fn; };
struct ConvEntry { int index; ConvFn fn; };
struct RTypeEntry { int index; RTypeFn fn; };

template <class T>
Bits bitsOf(const T& y) {
  Bits b = {0, 0};
  for (int i = 0; i < T::width; i++) {
    if (y[i]) {
      if (i < 64) b.lo |= 1ull << i;
      else b.hi |= 1ull << (i - 64);
    }
  }
  return b;
}

template <class T>
void setBits(T& x, Bits b) {
  for (int i = 0; i < T::width; i++) {
    bool bit = i < 64 ? ((b.lo >> i) & 1) : ((b.hi >> (i - 64)) & 1);
    x[i] = bit;
  }
}

// The statement under test: copy-initialisation from a double.
template <class T>
Bits quant(double d) {
  T y = d;
  return bitsOf(y);
}

// The statement under test: copy-initialisation from another ap type.
template <class S, class T>
Bits conv(Bits in) {
  // Not `S x = 0;`: converting the int 0 can itself trip ap_types' get_bit assert (a rounding shift
  // past 32 bits, e.g. into ap_ufixed<4,37,AP_RND_ZERO>). Every bit is set below anyway.
  S x;
  setBits(x, in);
  T y = x;
  return bitsOf(y);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
TypeInfo describe(const ap_fixed_base<W, I, S, Q, O, N>*) {
  TypeInfo t = {W, I, S, false};
  return t;
}

template <int W, bool S>
TypeInfo describe(const ap_int_base<W, S>*) {
  TypeInfo t = {W, W, S, true};
  return t;
}

// Result types of the arithmetic operators, as the compiler sees them.
template <class A, class B>
void rtype(TypeInfo out[3]) {
  typedef decltype(std::declval<A>() + std::declval<B>()) Sum;
  typedef decltype(std::declval<A>() - std::declval<B>()) Difference;
  typedef decltype(std::declval<A>() * std::declval<B>()) Product;
  out[0] = describe(static_cast<const Sum*>(0));
  out[1] = describe(static_cast<const Difference*>(0));
  out[2] = describe(static_cast<const Product*>(0));
}

bool registerTables(const QuantEntry* q, const ConvEntry* c, const RTypeEntry* r);

#ifndef APTYPES_HARNESS_TABLES

#include <vector>

static std::vector<QuantFn>& quantTable() { static std::vector<QuantFn> t; return t; }
static std::vector<ConvFn>& convTable() { static std::vector<ConvFn> t; return t; }
static std::vector<RTypeFn>& rtypeTable() { static std::vector<RTypeFn> t; return t; }

template <class Fn, class Entry>
static void put(std::vector<Fn>& table, const Entry* e) {
  for (; e->index >= 0; e++) {
    if ((size_t)e->index >= table.size()) table.resize(e->index + 1, 0);
    table[e->index] = e->fn;
  }
}

bool registerTables(const QuantEntry* q, const ConvEntry* c, const RTypeEntry* r) {
  put(quantTable(), q);
  put(convTable(), c);
  put(rtypeTable(), r);
  return true;
}

template <class Fn>
static Fn lookup(const std::vector<Fn>& table, long i) {
  return (i >= 0 && (size_t)i < table.size()) ? table[i] : 0;
}

int main() {
  // Line-buffered, so that if ap_types aborts (an assert), the answers so far identify the request.
  setvbuf(stdout, 0, _IOLBF, 0);
  static char line[512];
  while (fgets(line, sizeof line, stdin)) {
    char kind = 0;
    long index = -1;
    char a[64] = "", b[64] = "";
    int n = sscanf(line, " %c %ld %63s %63s", &kind, &index, a, b);
    if (n < 2) {
      if (n <= 0) continue;
      printf("ERR malformed request\n");
      continue;
    }
    if (kind == 'Q' && n == 3) {
      QuantFn fn = lookup(quantTable(), index);
      if (!fn) { printf("ERR no quantize entry %ld\n", index); continue; }
      uint64_t u = strtoull(a, 0, 16);
      double d;
      memcpy(&d, &u, sizeof d);
      Bits out = fn(d);
      printf("%llx %llx\n", (unsigned long long)out.hi, (unsigned long long)out.lo);
    } else if (kind == 'C' && n == 4) {
      ConvFn fn = lookup(convTable(), index);
      if (!fn) { printf("ERR no convert entry %ld\n", index); continue; }
      Bits in = {strtoull(a, 0, 16), strtoull(b, 0, 16)};
      Bits out = fn(in);
      printf("%llx %llx\n", (unsigned long long)out.hi, (unsigned long long)out.lo);
    } else if (kind == 'R' && n == 2) {
      RTypeFn fn = lookup(rtypeTable(), index);
      if (!fn) { printf("ERR no rtype entry %ld\n", index); continue; }
      TypeInfo t[3];
      fn(t);
      for (int k = 0; k < 3; k++) {
        printf("%s%d %d %d %d", k ? " " : "", t[k].width, t[k].iwidth, (int)t[k].isSigned, (int)t[k].isInteger);
      }
      printf("\n");
    } else {
      printf("ERR unknown request\n");
    }
  }
  return 0;
}

#endif  // APTYPES_HARNESS_TABLES
