"""The category of a message as a path down the category tree (level1/level2/level3): one shared TF-IDF view, a
linear model per level, and the tree that ties them: P(a/b/c) = P(a) x P(b | a) x P(c | a/b).

Rows may be labelled to any depth: the public corpus names level 1 only, the project's own labels go deeper.
A node of the tree with no labelled example still gets a share of its parent's probability (a small prior,
raised when the message names the node), so every node can be suggested and none is invented."""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from classifier import tokenize
from classifier.features import MessageVectorizer
from classifier.linear import LinearScorer

OTHER = "其他"


def cut(path: str, level: int) -> str:
    """The path's first `level` parts ("a/b/c", 2 -> "a/b")."""
    return "/".join(path.split("/")[:level])


def depth(path: str) -> int:
    return path.count("/") + 1


class _LevelModel:
    """One level's fitted linear scorer and its class order (a plain object: small to pickle, quick to load)."""

    def __init__(self, scorer: LinearScorer, classes: list[str]):
        self.scorer = scorer
        self.classes = classes


class PathClassifier(ClassifierMixin, BaseEstimator):
    """Category paths over a fixed tree (`tree_paths`: its leaves, "a/b/c", any depth).

    `classes_` are the level-1 names; `predict_paths` gives full paths. Level 1 is a calibrated linear SVM;
    deeper levels (hundreds of classes, few rows each) one-vs-rest SVMs whose margins, scaled by `deep_scale`,
    go through a softmax. `unseen_prior` is the share of a parent's probability its unlabelled children get;
    `name_bonus` multiplies a child's share when the message contains the child's own name.
    """

    def __init__(self, tree_paths=(), C=1.0, deep_C=0.5, deep_scale=10.0, char_ngram_range=(1, 3), min_df=2,
                 unseen_prior=0.05, name_bonus=3.0, calibration_folds=3, abstain_below=0.5, random_state=0):
        self.tree_paths = tree_paths
        self.C = C
        self.deep_C = deep_C
        self.deep_scale = deep_scale
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.unseen_prior = unseen_prior
        self.name_bonus = name_bonus
        self.calibration_folds = calibration_folds
        self.abstain_below = abstain_below
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------------------------------------
    def fit(self, texts, paths, first_level=None):
        """`first_level[i]` (default 1) is the shallowest level row i teaches: a row labelled under another
        corpus's convention for level 1 can still teach the levels below it."""
        texts, paths = list(texts), [str(p).strip("/") for p in paths]
        first_level = [1] * len(texts) if first_level is None else list(first_level)
        # a given tree is the truth a label must fit; without one, the labels make the tree
        self.children_ = self._tree(set(self.tree_paths) or set(paths))
        known = {c for kids in self.children_.values() for c in kids}
        unknown = sorted({p for p in paths if p not in known})
        if unknown:
            raise ValueError(f"paths not in the category tree: {unknown[:5]}")
        self.vectorizer_ = MessageVectorizer(word_ngram_range=(1, 1), char_ngram_range=self.char_ngram_range,
                                             min_df=self.min_df, drop_stopwords=True)
        features = self.vectorizer_.fit_transform(texts)
        self.level_models_ = {}
        for level in range(1, max(map(depth, known)) + 1):
            rows = [i for i, p in enumerate(paths) if depth(p) >= level and first_level[i] <= level]
            labels = np.asarray([cut(paths[i], level) for i in rows], dtype=object)
            if len(set(labels)) >= 2:
                self.level_models_[level] = self._fit_level(features[rows], labels, level)
        if 1 not in self.level_models_:
            raise ValueError("paths: need at least two level-1 categories")
        self.classes_ = np.asarray(self.children_[""], dtype=object)
        return self

    @staticmethod
    def _tree(paths: set[str]) -> dict[str, list[str]]:
        children: dict[str, list[str]] = defaultdict(list)
        for path in sorted(paths):
            parts = path.split("/")
            for level in range(len(parts)):
                parent, child = "/".join(parts[:level]), "/".join(parts[:level + 1])
                if child not in children[parent]:
                    children[parent].append(child)
        return dict(children)

    def _fit_level(self, features, labels, level: int) -> _LevelModel:
        if level == 1 and min(Counter(labels).values()) >= self.calibration_folds:
            model = CalibratedClassifierCV(LinearSVC(C=self.C, random_state=self.random_state), method="sigmoid",
                                           cv=self.calibration_folds, ensemble=False)
            model.fit(features, labels)
            return _LevelModel(LinearScorer.of(model), list(model.classes_))
        # A multinomial logistic regression over hundreds of classes takes many minutes to fit; one-vs-rest
        # SVMs take seconds, and a softmax over their scaled margins gives the conditionals the tree multiplies.
        model = LinearSVC(C=self.deep_C, random_state=self.random_state).fit(features, labels)
        coef, intercept = np.asarray(model.coef_), np.asarray(model.intercept_)
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes: make it a softmax pair
            coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
        return _LevelModel(LinearScorer(coef * self.deep_scale, intercept * self.deep_scale, "softmax"),
                           list(model.classes_))

    # -- prediction ------------------------------------------------------------------------------------------
    def level_proba(self, texts, level: int) -> tuple[list[str], np.ndarray]:
        """(the nodes at that level, P(node) per text); a branch shallower than `level` ends in its leaf."""
        return self._levels(list(texts), level)[level]

    def _levels(self, texts: list[str], deepest: int) -> dict[int, tuple[list[str], np.ndarray]]:
        features = self.vectorizer_.transform(texts)
        normalised = [tokenize.normalise(x) for x in texts]
        proba = np.ones((len(texts), 1))
        out = {}
        for level in range(1, deepest + 1):
            layout = self._layout(level)
            raw = np.zeros((len(texts), len(layout.nodes)))
            if layout.model is not None:
                raw[:, layout.model_columns] = layout.model.scorer.proba(features)[:, layout.model_rows]
            bonus = np.ones((len(texts), len(layout.nodes)))
            for row, text in enumerate(normalised):
                hits = [j for name, j in layout.names if name in text]
                bonus[row, hits] = self.name_bonus
            weights = np.where(layout.trained, raw, layout.prior) * bonus
            totals = weights @ layout.groups  # each parent's children summed
            totals[totals == 0] = 1.0
            conditional = np.where(layout.carried, 1.0, weights / totals[:, layout.group_of])
            proba = conditional * proba[:, layout.parent_index]
            out[level] = (layout.nodes, proba)
        return out

    def _layout(self, level: int) -> "_Layout":
        """The fixed shape of one level (its nodes, their parents, which the model knows), built once."""
        layouts = self.__dict__.setdefault("layouts_", {})
        if level not in layouts:
            above = self._layout(level - 1).nodes if level > 1 else [""]
            layouts[level] = _Layout(self, level, above)
        return layouts[level]

    def predict_proba(self, texts) -> np.ndarray:
        """P(level 1) over `classes_`."""
        return self.level_proba(texts, 1)[1]

    def predict(self, texts) -> np.ndarray:
        return np.asarray([r["top"][0][0] for r in self.predict_paths(texts)], dtype=object)

    def predict_paths(self, texts, k: int = 3) -> list[dict]:
        """Per text: {"top": [[path, P(path)], ...] best first, "levels": [[node, P(node)] per level of the best]}.

        The best path is taken top-down (the likeliest level 1, then its likeliest child, ...), which makes each
        of its levels the best guess at that level; the alternatives follow by the probability of the whole path.
        """
        texts = list(texts)
        deepest = max(self.level_models_)
        deepest = max(deepest, max(depth(c) for kids in self.children_.values() for c in kids))
        levels = self._levels(texts, deepest)
        index = {level: {c: j for j, c in enumerate(nodes)} for level, (nodes, _) in levels.items()}
        leaves, leaf_proba = levels[deepest]
        results = []
        for row in range(len(texts)):
            node, chain = "", []
            for level in range(1, deepest + 1):
                kids = self.children_.get(node)
                if not kids:
                    break
                proba = levels[level][1][row]
                node = max(kids, key=lambda c: proba[index[level][c]])
                chain.append([node, float(proba[index[level][node]])])
            best = chain[-1][0]
            others = [leaves[j] for j in np.argsort(-leaf_proba[row]) if leaves[j] != best][: k - 1]
            top = [[best, chain[-1][1]]] + [[p, float(leaf_proba[row, index[deepest][p]])] for p in others]
            results.append({"top": top, "levels": chain})
        return results


class _Layout:
    """One level of the tree as arrays: nodes (a branch that ends above this level carries its leaf down),
    each node's parent column in the level above, the model's columns, the unseen prior and the sibling groups."""

    def __init__(self, tree: PathClassifier, level: int, above: list[str]):
        self.nodes = [c for parent in above for c in tree.children_.get(parent, [parent] if parent else [])]
        parents = [cut(c, level - 1) if depth(c) == level else c for c in self.nodes]
        self.carried = np.array([depth(c) < level for c in self.nodes])
        position = {c: j for j, c in enumerate(above)}
        self.parent_index = np.array([position[p] for p in parents])
        self.model = tree.level_models_.get(level)
        known = {c: j for j, c in enumerate(self.model.classes)} if self.model is not None else {}
        where = {c: j for j, c in enumerate(self.nodes)}
        self.model_rows = [known[c] for c in known if c in where]
        self.model_columns = [where[c] for c in known if c in where]
        self.trained = np.array([c in known for c in self.nodes])
        siblings = Counter(parents)
        self.prior = np.array([tree.unseen_prior / siblings[p] for p in parents])
        group_names = sorted(set(parents))
        group_position = {g: k for k, g in enumerate(group_names)}
        self.group_of = np.array([group_position[p] for p in parents])
        self.groups = np.zeros((len(self.nodes), len(group_names)))
        self.groups[np.arange(len(self.nodes)), self.group_of] = 1.0
        self.names = [(c.rsplit("/", 1)[-1], j) for j, c in enumerate(self.nodes)
                      if not self.carried[j] and c.rsplit("/", 1)[-1] != OTHER]
