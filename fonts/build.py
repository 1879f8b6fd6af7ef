"""Rebuild the bundled fonts from Debian's fonts-noto-core (Noto 2.x, OFL 1.1).

Cuts each face down to the characters a briefing needs and adds U+2212 MINUS
SIGN, which these Noto releases lack: a bar as wide as the plus sign's, as
thick as the hyphen and centred on the plus, so that −20% lines up with +20%.

    apt-get install fonts-noto-core && pip install fonttools && python3 fonts/build.py
"""
import os
from fontTools import subset
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

SRC = "/usr/share/fonts/truetype/noto"
FACES = ["NotoSerif-Regular", "NotoSerif-Italic", "NotoSerif-Bold", "NotoSerif-BoldItalic",
         "NotoSans-Regular", "NotoSans-Bold"]
# Basic Latin, Latin-1, Latin Extended-A, Romanian comma accents, spacing
# accents, Welsh w/y with grave/acute/diaeresis, spaces, dashes, quotes,
# bullets, ellipsis, per mille, guillemets, fraction slash, euro, trade mark,
# arrows, minus, division slash, bullet operator, black circle.
UNICODES = ("U+0020-007E,U+00A0-017F,U+0218-021B,U+02C6,U+02C7,U+02D8-02DD,U+1E80-1E85,"
            "U+1EF2-1EF3,U+2009-200B,U+2010-2027,U+202F,U+2030-203A,U+2044,U+20AC,U+2122,"
            "U+2190-2193,U+2212,U+2215,U+2219,U+25CF")

def add_minus(font):
    cmap = font.getBestCmap()
    if 0x2212 in cmap:
        return
    glyf, hmtx = font["glyf"], font["hmtx"]
    plus, hyphen = glyf[cmap[ord("+")]], glyf[cmap[ord("-")]]
    plus.recalcBounds(glyf)
    hyphen.recalcBounds(glyf)
    thickness = hyphen.yMax - hyphen.yMin
    middle = (plus.yMin + plus.yMax) / 2
    y0, y1 = round(middle - thickness / 2), round(middle + thickness / 2)
    pen = TTGlyphPen(None)
    pen.moveTo((plus.xMin, y0)); pen.lineTo((plus.xMin, y1))
    pen.lineTo((plus.xMax, y1)); pen.lineTo((plus.xMax, y0)); pen.closePath()
    font.setGlyphOrder(font.getGlyphOrder() + ["minus"])
    glyf["minus"] = pen.glyph()
    glyf["minus"].recalcBounds(glyf)
    hmtx["minus"] = (hmtx[cmap[ord("+")]][0], plus.xMin)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[0x2212] = "minus"
    font["maxp"].numGlyphs = len(font.getGlyphOrder())

here = os.path.dirname(os.path.abspath(__file__))
for face in FACES:
    options = subset.Options()
    options.layout_features = ["*"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(os.path.join(SRC, face + ".ttf"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    add_minus(font)
    subset.save_font(font, os.path.join(here, face + ".ttf"), options)
    print(face, os.path.getsize(os.path.join(here, face + ".ttf")))
