// fpgarun.h — the whole fpgarun HLS layer library (include this from generated code).
#ifndef FPGARUN_H_
#define FPGARUN_H_

#include "fpgarun_common.h"
#include "fpgarun_activation.h"
#include "fpgarun_batchnorm.h"
#include "fpgarun_conv.h"
#include "fpgarun_dense.h"
#include "fpgarun_merge.h"
#include "fpgarun_padding.h"
#include "fpgarun_pooling.h"
#include "fpgarun_softmax.h"
#include "fpgarun_upsampling.h"

#endif
