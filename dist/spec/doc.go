// Package spec reads distributions written in torch.distributions syntax
// and builds them as dist values.
//
// Parse reads the text form, with syntax errors that give the column:
//
//	Normal(loc=0, scale=1)
//	Independent(Normal(loc=[0, 0], scale=[1, 1]), 1)
//	TransformedDistribution(Normal(0, 1), [ExpTransform()])
//
// FromJSON and FromMap read the same tree from JSON. Build turns a Spec
// into a dist.Distribution with torch's batch and event shapes (the batch
// dimensions flattened into rows, the event dimensions into columns), and
// BuildBatch broadcasts it to a larger batch; Shapes reports the shapes
// without building. Positional arguments follow torch's parameter order,
// keyword arguments torch's names. Errors name the family, the argument
// and the column (*SyntaxError, *BuildError).
//
// The package is a front-end only: it uses nothing of dist but its
// exported constructors, and dist does not import it.
package spec
