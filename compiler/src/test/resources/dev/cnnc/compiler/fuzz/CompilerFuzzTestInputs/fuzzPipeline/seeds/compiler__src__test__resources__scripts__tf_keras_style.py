# tf.keras as TensorFlow's tutorials write it: the model as a list given to Sequential, an Input
# first, layers through tf.keras.layers, the optimizer with learning_rate=, and a loss object from logits.
import tensorflow as tf
from tensorflow.keras import datasets, layers, models
import matplotlib.pyplot as plt

(train_images, train_labels), (test_images, test_labels) = datasets.cifar10.load_data()

# pixel values between 0 and 1
train_images, test_images = train_images / 255.0, test_images / 255.0

class_names = ['airplane', 'automobile', 'bird', 'cat', 'deer',
               'dog', 'frog', 'horse', 'ship', 'truck']

plt.figure(figsize=(10, 10))
for i in range(25):
    plt.subplot(5, 5, i + 1)
    plt.xticks([])
    plt.imshow(train_images[i])
    plt.xlabel(class_names[train_labels[i][0]])
plt.show()

model = tf.keras.Sequential([
    tf.keras.Input(shape=train_images.shape[1:]),
    layers.Conv2D(32, (3, 3), activation='relu'),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation='relu'),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation='relu'),
    layers.Flatten(),
    layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10),
])

model.summary()

model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-4),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])

history = model.fit(train_images, train_labels, epochs=10,
                    validation_data=(test_images, test_labels))

plt.plot(history.history['accuracy'], label='accuracy')
plt.plot(history.history['val_accuracy'], label='val_accuracy')
plt.xlabel('Epoch')
plt.ylim([0.5, 1])
plt.legend(loc='lower right')

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print(test_acc)

# training: optimizer=ADAM lr=3.0E-4 epochs=10 batch_size=32 validate_on_test=true from_logits=true
# expect: 7:1: note: 12 statements about data and output were skipped: cnnc train reads the data itself (see its --data option)
# expect: 7:60: note: the script loads Keras' cifar10 data set; give it to cnnc train with --data (MNIST is read otherwise)
# expect: 42:37: note: validation_data=(test_images, test_labels): cnnc train validates on the test set after every epoch (or on --validation-data)
