#!/usr/bin/python3
"""The Python side of `npm run bench:docvec` (bench/docvec.ts): the reference numbers it compares with.

usage: /usr/bin/python3 bench/docvec.py score VECTORS CSV           # 10-fold logistic-regression accuracy
       /usr/bin/python3 bench/docvec.py gensim CSV OUT [--epochs 20] [--dim 100] [--min-count 5] [--threads 2] [--seed 1]
       /usr/bin/python3 bench/docvec.py sif WORDVECS CSV DOCVECS [--min-count 5] [--a 1e-3]

CSV: `id,label,text` (movie-reviews.csv.gz; .gz is fine), text whitespace-tokenized (the bench runs
wordspace with --tokenizer whitespace, so both sides see the same tokens). VECTORS: word2vec text
(`id v1 … vd`) or Matrix Market (`.mtx`, documents as rows in the CSV's order, from `encode doc --by doc`).
Each command prints one JSON line. Needs Debian's python3-sklearn and python3-gensim.
"""
import argparse, csv, gzip, io, json, sys, time
import numpy as np


def read_csv(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt', encoding='utf-8', newline='') as f:
        rows = list(csv.DictReader(f))
    return [r['id'] for r in rows], [r['label'] for r in rows], [r['text'].lower().split() for r in rows]


def read_text_vectors(path):
    ids, rows = [], []
    with open(path, encoding='utf-8') as f:
        n, d = map(int, f.readline().split())
        for line in f:
            parts = line.rstrip('\n').split(' ')
            ids.append(parts[0])
            rows.append(np.array(parts[1:1 + d], dtype=np.float64))
    return ids, np.vstack(rows)


def read_mtx(path, ids):
    """`encode doc --by doc -f mtx`: documents × terms, rows in the CSV's order."""
    import scipy.io
    m = scipy.io.mmread(path).tocsr()
    return m if m.shape[0] == len(ids) else m.T.tocsr()


def score(args):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    ids, labels, _ = read_csv(args.csv)
    y = np.array([1 if l == 'pos' else 0 for l in labels])
    if args.vectors.endswith('.mtx'):
        X = read_mtx(args.vectors, ids)
    else:
        vids, X = read_text_vectors(args.vectors)
        order = {v: i for i, v in enumerate(vids)}
        X = X[[order[i] for i in ids]]
    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    acc = cross_val_score(LogisticRegression(max_iter=2000), X, y, cv=folds, scoring='accuracy')
    print(json.dumps({'vectors': args.vectors, 'accuracy': round(float(acc.mean()), 4), 'std': round(float(acc.std()), 4)}))


def gensim(args):
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument
    ids, _, texts = read_csv(args.csv)
    docs = [TaggedDocument(t, [i]) for i, t in zip(ids, texts)]
    model = Doc2Vec(dm=0, vector_size=args.dim, min_count=args.min_count, epochs=args.epochs, workers=args.threads, seed=args.seed)
    model.build_vocab(docs)
    started = time.perf_counter()
    model.train(docs, total_examples=len(docs), epochs=model.epochs)
    seconds = time.perf_counter() - started
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('%d %d\n' % (len(ids), args.dim))
        for i in ids:
            f.write(i + ' ' + ' '.join('%.6f' % x for x in model.dv[i]) + '\n')
    print(json.dumps({'method': 'gensim Doc2Vec dm=0', 'seconds': round(seconds, 3), 'epochs': args.epochs, 'vectors': args.out}))


def sif(args):
    """SIF written from the paper's formula (Arora et al. 2017, reference code SIF_embedding.py), in numpy."""
    ids, _, texts = read_csv(args.csv)
    counts = {}
    for t in texts:
        for w in t:
            counts[w] = counts.get(w, 0) + 1
    kept = {w: c for w, c in counts.items() if c >= args.min_count}
    total = float(sum(kept.values()))
    words, vecs = read_text_vectors(args.wordvecs)
    index = {}
    for i, w in enumerate(words):
        index.setdefault(w, i)
    X = np.zeros((len(texts), vecs.shape[1]))
    for d, t in enumerate(texts):
        rows = [index[w] for w in t if w in kept and w in index]
        if rows:
            weights = np.array([args.a / (args.a + kept[words[r]] / total) for r in rows])
            X[d] = weights @ vecs[rows] / len(rows)
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    u = vt[0]
    X = X - np.outer(X @ u, u)
    oids, ours = read_text_vectors(args.docvecs)
    order = {v: i for i, v in enumerate(oids)}
    ours = ours[[order[i] for i in ids]]
    num = (X * ours).sum(1)
    den = np.linalg.norm(X, axis=1) * np.linalg.norm(ours, axis=1)
    cos = np.where(den > 0, num / np.where(den > 0, den, 1), 1.0)
    print(json.dumps({'documents': len(ids), 'min_cosine': round(float(cos.min()), 6), 'mean_cosine': round(float(cos.mean()), 6)}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='command', required=True)
    s = sub.add_parser('score'); s.add_argument('vectors'); s.add_argument('csv'); s.set_defaults(run=score)
    g = sub.add_parser('gensim'); g.add_argument('csv'); g.add_argument('out')
    for name, default in (('--epochs', 20), ('--dim', 100), ('--min-count', 5), ('--threads', 2), ('--seed', 1)):
        g.add_argument(name, type=int, default=default)
    g.set_defaults(run=gensim)
    f = sub.add_parser('sif'); f.add_argument('wordvecs'); f.add_argument('csv'); f.add_argument('docvecs')
    f.add_argument('--min-count', type=int, default=5); f.add_argument('--a', type=float, default=1e-3); f.set_defaults(run=sif)
    args = p.parse_args()
    args.run(args)


if __name__ == '__main__':
    main()
