"""The words people use for the same thing: abbreviations, spellings, Chinese terms.

A :class:`Concept` is searched as any of its ``terms`` (phrases matched in the trial text); it
is recognised in a query by its terms and by the further names in ``typed`` (abbreviations too
ambiguous to search for on their own, such as "MM", and Chinese names). ``labels`` are the
classifier labels (disease areas, see ``cartatlas.classify.disease``) that mean the concept:
a trial carrying one of them is indexed with the concept's terms, so "myeloma" finds a trial the
classifier labelled MM even if its text says only "RRMM".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    terms: tuple[str, ...]
    typed: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


LEUKAEMIA = ("leukemia", "leukaemia")

CONCEPTS: dict[str, Concept] = {
    # haematological
    "myeloma": Concept(
        ("myeloma", "rrmm", "ndmm"),
        ("mm", "multiple myeloma", "骨髓瘤", "多发性骨髓瘤"),
        ("MM",),
    ),
    "large B-cell lymphoma": Concept(
        ("large b cell lymphoma", "large b cell lymphomas", "dlbcl", "lbcl", "rrdlbcl", "pmbcl"),
        (
            "diffuse large b cell lymphoma",
            "大b细胞淋巴瘤",
            "弥漫大b细胞淋巴瘤",
            "弥漫性大b细胞淋巴瘤",
            "弥漫大b",
        ),
        ("LBCL",),
    ),
    "follicular lymphoma": Concept(("follicular lymphoma",), ("fl", "滤泡性淋巴瘤"), ("FL",)),
    "mantle cell lymphoma": Concept(("mantle cell lymphoma",), ("mcl", "套细胞淋巴瘤"), ("MCL",)),
    "lymphoma": Concept(
        ("lymphoma", "lymphomas", "nhl", "b nhl"),
        ("non hodgkin lymphoma", "淋巴瘤", "非霍奇金淋巴瘤"),
        ("LBCL", "FL", "MCL", "Hodgkin", "other B-NHL"),
    ),
    "B-ALL": Concept(
        (
            "b all",
            "acute lymphoblastic leukemia",
            "acute lymphoblastic leukaemia",
            "acute lymphocytic leukemia",
            "lymphoblastic leukemia",
            "lymphoblastic leukaemia",
        ),
        (
            "b cell acute lymphoblastic leukemia",
            "b cell acute lymphoblastic leukaemia",
            "急性淋巴细胞白血病",
            "急性b淋巴细胞白血病",
            "b细胞急性淋巴细胞白血病",
            "急淋",
        ),
        ("B-ALL",),
    ),
    "leukaemia": Concept(LEUKAEMIA, ("白血病",), ("B-ALL", "AML", "CLL")),
    "AML": Concept(
        ("acute myeloid leukemia", "acute myeloid leukaemia", "aml"),
        ("急性髓系白血病", "急性髓细胞白血病", "急性髓性白血病"),
        ("AML",),
    ),
    "CLL": Concept(
        ("chronic lymphocytic leukemia", "chronic lymphocytic leukaemia", "cll"),
        ("慢性淋巴细胞白血病",),
        ("CLL",),
    ),
    "T-cell malignancy": Concept(
        ("t cell lymphoma", "t all", "t cell acute lymphoblastic", "t cell malignancies"),
        ("t细胞淋巴瘤", "t细胞白血病"),
        ("T-cell malignancy",),
    ),
    "Hodgkin": Concept(("hodgkin lymphoma", "hodgkin's lymphoma"), ("霍奇金淋巴瘤",), ("Hodgkin",)),
    # disease course, people
    "relapsed or refractory": Concept(
        ("relapsed", "refractory", "recurrent", "r r"),
        ("relapsed refractory", "relapsed or refractory", "rr", "复发难治", "复发或难治"),
    ),
    "relapsed": Concept(("relapsed", "relapse", "recurrent"), ("复发",)),
    "refractory": Concept(("refractory",), ("难治", "难治性")),
    "children": Concept(
        ("pediatric", "paediatric", "children", "child", "childhood", "adolescents", "infant"),
        ("kids", "儿童", "小儿", "青少年", "儿科"),
    ),
    # autoimmune
    "lupus": Concept(
        ("lupus", "sle"),
        ("systemic lupus erythematosus", "狼疮", "红斑狼疮", "系统性红斑狼疮"),
        ("autoimmune:SLE",),
    ),
    "lupus nephritis": Concept(("lupus nephritis",), ("狼疮肾炎", "狼疮性肾炎")),
    "NMOSD": Concept(
        ("nmosd", "neuromyelitis optica"),
        ("nmo", "视神经脊髓炎", "视神经脊髓炎谱系疾病"),
        ("autoimmune:NMOSD",),
    ),
    "myasthenia": Concept(
        ("myasthenia",), ("myasthenia gravis", "重症肌无力", "肌无力"), ("autoimmune:MG",)
    ),
    "multiple sclerosis": Concept(
        ("multiple sclerosis",), ("多发性硬化", "多发性硬化症"), ("autoimmune:MS",)
    ),
    "systemic sclerosis": Concept(
        ("systemic sclerosis", "scleroderma", "ssc"),
        ("系统性硬化", "系统性硬化症", "硬皮病"),
        ("autoimmune:SSc",),
    ),
    "myositis": Concept(
        ("myositis", "dermatomyositis", "polymyositis", "myopathy"),
        ("肌炎", "皮肌炎", "炎性肌病"),
        ("autoimmune:myositis",),
    ),
    "vasculitis": Concept(("vasculitis", "anca"), ("血管炎",), ("autoimmune:AAV",)),
    "rheumatoid arthritis": Concept(
        ("rheumatoid arthritis",), ("类风湿关节炎", "类风湿"), ("autoimmune:RA",)
    ),
    "autoimmune": Concept(
        ("autoimmune", "autoimmunity"),
        ("自身免疫", "自身免疫病", "自身免疫性疾病"),
        ("autoimmune:SLE", "autoimmune:SSc", "autoimmune:MG", "autoimmune:NMOSD"),
    ),
    # solid tumours
    "solid tumour": Concept(
        ("solid tumor", "solid tumors", "solid tumour", "solid tumours"), ("实体瘤", "实体肿瘤")
    ),
    "brain tumour": Concept(
        ("glioblastoma", "glioma", "gbm", "brain tumor", "brain tumour"),
        ("胶质母细胞瘤", "胶质瘤", "脑胶质瘤", "脑瘤"),
        ("solid:brain",),
    ),
    "liver cancer": Concept(
        ("hepatocellular", "liver cancer", "hcc"), ("肝癌", "肝细胞癌"), ("solid:liver",)
    ),
    "gastric cancer": Concept(("gastric", "stomach"), ("胃癌",), ("solid:gastric",)),
    "pancreatic cancer": Concept(("pancreatic",), ("胰腺癌",), ("solid:pancreatic",)),
    "lung cancer": Concept(
        ("lung cancer", "nsclc", "sclc", "lung carcinoma"), ("肺癌",), ("solid:lung",)
    ),
    "ovarian cancer": Concept(("ovarian",), ("卵巢癌",), ("solid:ovarian",)),
    "colorectal cancer": Concept(
        ("colorectal", "colon cancer", "rectal cancer"), ("结直肠癌", "肠癌"), ("solid:colorectal",)
    ),
    "breast cancer": Concept(("breast cancer",), ("乳腺癌",), ("solid:breast",)),
    "prostate cancer": Concept(("prostate cancer",), ("前列腺癌",), ("solid:prostate",)),
    "neuroblastoma": Concept(("neuroblastoma",), ("神经母细胞瘤",), ("solid:neuroblastoma",)),
    # kinds of product
    "CAR-NK": Concept(("car nk", "natural killer", "nk cell", "nk cells"), ("nk", "nk细胞")),
    "allogeneic": Concept(
        ("allogeneic", "universal", "off the shelf", "ucart"), ("通用型", "异体", "同种异体")
    ),
    "in vivo": Concept(("in vivo",), ("体内",)),
}

# Words that say nothing in a search over CAR trials (every trial is a CAR-T cell therapy trial;
# "cancer" adds nothing to "gastric": the phrases above that need it, such as "lung cancer" and
# "solid tumour", are recognised before these words are dropped).
_STOPWORDS = """a an and or of in on for with the to by at from is are was my me i we our your
    patient patients trial trials study studies car t cart cell cells therapy therapies treatment
    treatments chimeric antigen receptor receptors disease diseases clinical people person cancer
    cancers tumor tumors tumour tumours carcinoma carcinomas neoplasm neoplasms
    嵌合抗原受体 car-t细胞 细胞 治疗 疗法 临床试验 试验 研究 患者 病人 的 和 与 在"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Chinese names of cities with many CAR-T sites → the English name registries give.
CITIES = {
    "北京": "beijing",
    "上海": "shanghai",
    "广州": "guangzhou",
    "深圳": "shenzhen",
    "杭州": "hangzhou",
    "武汉": "wuhan",
    "天津": "tianjin",
    "苏州": "suzhou",
    "成都": "chengdu",
    "西安": "xi'an",
    "南京": "nanjing",
    "重庆": "chongqing",
    "长沙": "changsha",
    "郑州": "zhengzhou",
    "济南": "jinan",
    "哈尔滨": "harbin",
    "合肥": "hefei",
    "福州": "fuzhou",
    "南昌": "nanchang",
    "沈阳": "shenyang",
}
